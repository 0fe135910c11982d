export { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
export { type AnalyzeTableOptions, type AnalyzeTableResult, analyzeTable } from './analyzeTable.ts';
export {
  booleanLabels,
  booleanLabelsKey,
  type CellValue,
  columnType,
  columnTypeOf,
  columnValues,
  numericValues,
  presentNumbers,
  requireColumns,
  tableColumns,
} from './columnAccess.ts';
export {
  type CorrelationResult,
  correlationMatrix,
  formatCorrelationMatrix,
} from './correlationMatrix.ts';
export { createRng, type Rng } from './createRng.ts';
export { defaultMaxBytes, formatBytes } from './decodeText.ts';
export {
  type ColumnDescription,
  type DescribeResult,
  describe,
  formatDescribe,
} from './describe.ts';
export { type CsvDelimiter, csvDelimiters, detectDelimiter } from './detectDelimiter.ts';
export {
  type ExploreTableOptions,
  type ExploreTableResult,
  exploreTable,
} from './exploreTable.ts';
export { formatCell, formatColumnCells, formatDate } from './formatCell.ts';
export { formatNumber, formatPClause, formatPercent, formatPValue } from './formatNumber.ts';
export { formatTable } from './formatTable.ts';
export { formatHead, type HeadResult, head } from './head.ts';
export {
  formatHistogram,
  type HistogramOptions,
  type HistogramResult,
  histogram,
  maxBins,
} from './histogram.ts';
export { IngestError } from './IngestError.ts';
export { type IngestCsvOptions, ingestCsv } from './ingestCsv.ts';
export { type IngestExcelOptions, ingestExcel } from './ingestExcel.ts';
export { acceptedFiles, type IngestFileOptions, ingestFile } from './ingestFile.ts';
export { type ColumnMissing, formatMissing, type MissingResult, missing } from './missing.ts';
export { isModelTypeId, modelTaskOf, modelTypeIds } from './modelTask.ts';
export { isSerializedModel, type PredictOptions, type PredictResult, predict } from './predict.ts';
export {
  type RenderHistogramOptions,
  type Rgb,
  renderHistogramPng,
} from './renderHistogramPng.ts';
export { formatSchema, type SchemaResult, schema } from './schema.ts';
export {
  formatSimpleRegression,
  type SimpleRegressionResult,
  simpleRegression,
} from './simpleRegression.ts';
export { type HoldoutSplit, type SplitHoldoutOptions, splitHoldout } from './splitHoldout.ts';
export {
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from './studentT.ts';
export { type ColumnSummary, formatSummary, type SummaryResult, summary } from './summary.ts';
export {
  formatTrainResult,
  minimumTrainingRows,
  type TrainModelOptions,
  type TrainModelResult,
  trainModel,
} from './trainModel.ts';
export {
  formatTTest,
  type TTestGroup,
  type TTestOptions,
  type TTestResult,
  tTest,
} from './tTest.ts';
export type {
  FeatureEncoding,
  IngestResult,
  SerializedModel,
  Standardization,
} from './types.ts';
export {
  formatValueCounts,
  type ValueCount,
  type ValueCountsResult,
  valueCounts,
} from './valueCounts.ts';
