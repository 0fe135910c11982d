import type { ColumnInfo, ModelTask, ModelTypeId } from '@chatflow/machines';
import type { Table } from 'apache-arrow';

/** A file turned into a typed Arrow table, as every `ingest*` function returns it. */
export interface IngestResult {
  /** The name the data was uploaded under (e.g. the file name). */
  name: string;
  /**
   * The data: numbers as Float64, text as Utf8, booleans as Bool, dates as
   * Timestamp (milliseconds, UTC). Missing values are nulls.
   */
  table: Table;
  /** Name and inferred type of each column, in order. */
  columns: ColumnInfo[];
  rowCount: number;
  /** Things the user should know about how the file was read (renamed columns, odd values). */
  warnings: string[];
}

/** How one feature column turns into numbers for a model. */
export type FeatureEncoding =
  | {
      name: string;
      kind: 'number';
      /** The mean on the training rows, used in place of a missing value at prediction. */
      fill: number;
    }
  | { name: string; kind: 'boolean'; fill: number }
  | {
      name: string;
      kind: 'date';
      /** Dates are encoded as days since the epoch. */
      fill: number;
    }
  | {
      name: string;
      kind: 'category';
      /**
       * The categories seen in training, most frequent first. The first is the reference
       * level (all zeros); each other one gets a 0/1 column. Unknown values are all zeros.
       */
      categories: string[];
    };

/** The standardization applied to the encoded features (logistic regression). */
export interface Standardization {
  means: number[];
  scales: number[];
}

/**
 * A trained model in plain JSON: everything {@link predict} needs to load it back.
 * `estimator` is the `toJSON()` of the underlying ml.js model.
 */
export interface SerializedModel {
  format: 'stats-bot/model';
  version: 1;
  modelId: string;
  modelType: ModelTypeId;
  task: ModelTask;
  target: string;
  features: string[];
  /** One entry per feature, in the order of `features`. */
  encoding: FeatureEncoding[];
  /** Names of the encoded columns the estimator sees, in order. */
  encodedColumns: string[];
  standardization?: Standardization;
  /** Class labels by index, for classification models. */
  classes?: string[];
  seed: number;
  metrics: Record<string, number>;
  estimator: unknown;
}
