export { type AnalysisType, type AnalysisTypeId, analysisTypes } from './analysisTypes.ts';
export {
  type DataExplorationContext,
  type DataExplorationEvent,
  dataExplorationEvents,
  dataExplorationMachine,
  dataExplorationRefusals,
  type ExplorationResult,
  type RunExplorationInput,
} from './dataExplorationMachine.ts';
export { columnInfoSchema, datasetInfoSchema, parseDatasetInfo } from './datasetInfoSchema.ts';
export { type Check, defineCheck } from './defineCheck.ts';
export {
  type ColumnRule,
  type ExplorationCommand,
  type ExplorationCommandId,
  explorationCommands,
} from './explorationCommands.ts';
export { exampleDataset, exampleModels } from './fixtures.ts';
export {
  type MlPredictionContext,
  type MlPredictionEvent,
  mlPredictionEvents,
  mlPredictionMachine,
  mlPredictionRefusals,
  type PredictionResult,
  type PredictWithModelInput,
} from './mlPredictionMachine.ts';
export {
  type MlTrainingContext,
  type MlTrainingEvent,
  mlTrainingEvents,
  mlTrainingMachine,
  mlTrainingRefusals,
  type TrainModelInput,
  type TrainModelOutput,
} from './mlTrainingMachine.ts';
export { modelRecordSchema, parseModelRecords } from './modelRecordSchema.ts';
export { modelTypes } from './modelTypes.ts';
export {
  type RunAnalysisInput,
  type StatsAnalysisContext,
  type StatsAnalysisEvent,
  statsAnalysisEvents,
  statsAnalysisMachine,
  statsAnalysisRefusals,
} from './statsAnalysisMachine.ts';
export { toMermaid } from './toMermaid.ts';
export type {
  ColumnInfo,
  ColumnType,
  DatasetInfo,
  JsonValue,
  ModelRecord,
  ModelTask,
  ModelType,
  ModelTypeId,
  RefusalMessage,
  StepMeta,
  WorkflowDefinition,
  WorkflowInput,
  WorkflowType,
} from './types.ts';
export { type Workflows, workflows } from './workflows.ts';
