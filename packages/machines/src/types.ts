import type { AnyStateMachine } from 'xstate';
import type { ZodType } from 'zod';

/** The workflows chatflow ships, as the key of the {@link workflows} catalogue. */
export type WorkflowType = 'ml_training' | 'ml_prediction' | 'stats_analysis' | 'data_exploration';

/** The type of a data set column, as inferred when the data was ingested. */
export type ColumnType = 'number' | 'string' | 'boolean' | 'date';

/** One column of a data set. */
export interface ColumnInfo {
  name: string;
  type: ColumnType;
}

/**
 * What a machine knows about a data set: metadata only, never the rows. The rows live
 * in the runtime's data store (an Arrow table), keyed by the session.
 */
export interface DatasetInfo {
  id: string;
  name: string;
  columns: ColumnInfo[];
  rowCount: number;
}

/** The learning task a model type solves. */
export type ModelTask = 'regression' | 'classification';

/** Model type ids: regression ones suit a numeric target, classification ones any other. */
export type ModelTypeId =
  | 'linear_regression'
  | 'random_forest_regression'
  | 'logistic_regression'
  | 'random_forest_classification';

/** An entry of the {@link modelTypes} catalogue. */
export interface ModelType {
  id: ModelTypeId;
  task: ModelTask;
  label: string;
}

/** A trained model, as ML training outputs it and ML prediction takes it. */
export interface ModelRecord {
  modelId: string;
  modelType: ModelTypeId;
  target: string;
  features: string[];
  metrics: Record<string, number>;
  datasetId: string;
}

/** What the runtime passes as `input` when it starts any workflow of a session. */
export interface WorkflowInput {
  /** The session's trained models (ML prediction picks one of them). */
  models?: ModelRecord[];
}

/** The `meta` every state of a chatflow machine carries. */
export interface StepMeta {
  /** The text the bot shows the user in this step. */
  prompt: string;
}

/**
 * Explains a refused step: given the context and the refused event, says what is
 * missing, in words for the user ("Please upload data first ...").
 */
export type RefusalMessage = (args: { context: unknown; event: unknown }) => string;

/**
 * A workflow as the runtime sees it: the machine plus what the runtime needs to talk
 * about it without knowing it.
 */
export interface WorkflowDefinition<TMachine extends AnyStateMachine = AnyStateMachine> {
  type: string;
  /** Short human name, e.g. "Train a model". */
  label: string;
  description: string;
  /** Bumped whenever a persisted snapshot of the previous version would no longer fit. */
  version: number;
  machine: TMachine;
  /**
   * Payload schemas of the user events, by event type. The runtime validates an event
   * against its schema before it reaches the machine; a failure is `INVALID_EVENT`.
   */
  events: Record<string, ZodType>;
  /**
   * Refusal messages by guard name: when every transition for an event is refused by
   * a guard, the message of the first refusing guard is what the user reads.
   */
  refusals: Record<string, RefusalMessage>;
}

/** A value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
