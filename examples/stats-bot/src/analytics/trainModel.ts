import { randomUUID } from 'node:crypto';
import type { ModelTypeId } from '@chatflow/machines';
import type { Table } from 'apache-arrow';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import {
  booleanLabels,
  type CellValue,
  columnType,
  columnValues,
  requireColumns,
  typeNoun,
} from './columnAccess.ts';
import { fitEstimator } from './estimators.ts';
import {
  encodedColumnNames,
  encodeRow,
  fitFeatureEncoding,
  fitStandardization,
  isCompleteRow,
  readFeatureColumns,
  standardize,
} from './featureEncoding.ts';
import { formatNumber, formatPercent } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';
import { classificationScores, regressionScores } from './modelMetrics.ts';
import { isModelTypeId, modelTaskOf } from './modelTask.ts';
import { splitHoldout } from './splitHoldout.ts';
import type { SerializedModel } from './types.ts';

/** Fewer complete rows than this cannot give a meaningful holdout score. */
export const minimumTrainingRows = 10;

/** What {@link trainModel} needs. */
export interface TrainModelOptions {
  table: Table;
  /** The column to predict. */
  target: string;
  /** The columns to predict it from; they must not include the target. */
  features: readonly string[];
  modelType: ModelTypeId;
  /** Seed of the train/holdout split and of the forests: same seed, same model and scores. */
  seed: number;
  /**
   * The share of complete rows held out for scoring.
   * @default 0.2
   */
  holdoutShare?: number;
  /**
   * The id of the new model.
   * @default `<modelType>-<8 random hex digits>`
   */
  modelId?: string;
}

/** A trained model with its holdout scores. */
export interface TrainModelResult {
  modelId: string;
  /**
   * Holdout scores and row counts. Regression: `r2`, `rmse`, `mae`; classification:
   * `accuracy`, `baselineAccuracy` (always guessing the most frequent training class),
   * `classCount`. Both: `trainRows`, `holdoutRows`, `droppedRows` (rows without a target
   * or a feature value, left out).
   */
  metrics: Record<string, number>;
  /** The model as plain JSON, for storage and {@link predict}. */
  model: SerializedModel;
  /** Rows per class among the rows used (classification). */
  classCounts?: Record<string, number>;
  /** Holdout counts, actual class by row and predicted class by column (classification). */
  confusionMatrix?: number[][];
  /** Weight of each encoded feature and the intercept (linear regression). */
  coefficients?: Record<string, number>;
  /** Things the user should know (dropped rows, features with too many categories). */
  warnings: string[];
}

/**
 * Trains a model on a seeded train/holdout split (80/20 by default, stratified by class
 * for classification) and scores it on the holdout rows. Features are encoded as
 * numbers (booleans 0/1, dates in days, text one-hot with categories learned on the
 * training rows), standardized for logistic regression; rows missing the target or a
 * feature are left out and counted. A classification target (text or yes/no) is
 * label-encoded with its classes kept in the model. Problems are {@link AnalyticsError}s
 * worded for the user: unknown columns, a target among the features, a target that does
 * not suit the model type, too few rows or a single class.
 *
 * @example
 * ```ts
 * const { modelId, metrics, model } = trainModel({
 *   table,
 *   target: 'price',
 *   features: ['area_m2', 'rooms', 'city'],
 *   modelType: 'linear_regression',
 *   seed: 42,
 * });
 * metrics.r2; // e.g. 0.95
 * const stored = JSON.stringify(model);
 * ```
 */
export function trainModel(options: TrainModelOptions): TrainModelResult {
  const { table, target, modelType, seed } = options;
  const features = [...new Set(options.features)];
  if (!isModelTypeId(modelType)) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      `Unknown model type "${String(modelType)}".`,
    );
  }
  if (features.length === 0) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      'Please choose at least one feature column.',
    );
  }
  if (features.includes(target)) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      `The target "${target}" cannot also be a feature.`,
    );
  }
  requireColumns(table, [target, ...features]);
  const task = modelTaskOf(modelType);
  const targetType = columnType(table, target);
  if (task === 'regression' && targetType !== 'number') {
    throw new AnalyticsError(
      AnalyticsErrorCode.WRONG_COLUMN_TYPE,
      `${modelType} predicts a number, but "${target}" holds ${typeNoun(targetType)}. Choose logistic_regression or random_forest_classification for it.`,
    );
  }
  if (task === 'classification' && targetType !== 'string' && targetType !== 'boolean') {
    throw new AnalyticsError(
      AnalyticsErrorCode.WRONG_COLUMN_TYPE,
      `${modelType} predicts a category, but "${target}" holds ${typeNoun(targetType)}.${targetType === 'number' ? ' Choose linear_regression or random_forest_regression for it.' : ''}`,
    );
  }

  const targetLabels = readTargetLabels(table, target, targetType);
  const placeholder = fitFeatureEncoding(table, features, []).encoding;
  const rawColumns = readFeatureColumns(table, placeholder);
  const complete: number[] = [];
  for (let row = 0; row < table.numRows; row += 1) {
    if (targetLabels[row] !== null && isCompleteRow(rawColumns, row)) complete.push(row);
  }
  const droppedRows = table.numRows - complete.length;
  if (complete.length < minimumTrainingRows) {
    throw new AnalyticsError(
      AnalyticsErrorCode.NOT_ENOUGH_DATA,
      `Only ${complete.length} row${complete.length === 1 ? ' has' : 's have'} a value in "${target}" and in every feature; training needs at least ${minimumTrainingRows}.`,
    );
  }

  const split = splitHoldout(complete, {
    seed,
    ...(options.holdoutShare === undefined ? {} : { holdoutShare: options.holdoutShare }),
    ...(task === 'classification'
      ? { strata: complete.map((row) => String(targetLabels[row])) }
      : {}),
  });
  const { encoding, warnings } = fitFeatureEncoding(table, features, split.train);
  const columns = readFeatureColumns(table, encoding);
  const encodedColumns = encodedColumnNames(encoding);
  if (encodedColumns.length === 0) {
    throw new AnalyticsError(
      AnalyticsErrorCode.NOT_ENOUGH_DATA,
      `The features ${features.map((f) => `"${f}"`).join(', ')} have a single value each in the training rows, so there is nothing to learn from.`,
    );
  }
  if (droppedRows > 0) {
    warnings.unshift(
      `${droppedRows} row${droppedRows === 1 ? '' : 's'} without a value in the target or a feature ${droppedRows === 1 ? 'was' : 'were'} left out.`,
    );
  }

  let trainX = split.train.map((row) => encodeRow(columns, row).vector);
  let holdoutX = split.holdout.map((row) => encodeRow(columns, row).vector);
  const standardization =
    modelType === 'logistic_regression' ? fitStandardization(trainX) : undefined;
  if (standardization !== undefined) {
    trainX = trainX.map((row) => standardize(row, standardization));
    holdoutX = holdoutX.map((row) => standardize(row, standardization));
  }

  const modelId = options.modelId ?? `${modelType}-${randomUUID().slice(0, 8)}`;
  const base = {
    format: 'stats-bot/model' as const,
    version: 1 as const,
    modelId,
    modelType,
    task,
    target,
    features,
    encoding,
    encodedColumns,
    ...(standardization === undefined ? {} : { standardization }),
    seed,
  };
  const rowCounts = {
    trainRows: split.train.length,
    holdoutRows: split.holdout.length,
    droppedRows,
  };

  if (task === 'regression') {
    const y = split.train.map((row) => targetLabels[row] as number);
    const estimator = fitEstimator(modelType, trainX, y, seed);
    const actual = split.holdout.map((row) => targetLabels[row] as number);
    const scores = regressionScores(actual, estimator.predict(holdoutX));
    const metrics = { ...scores, ...rowCounts };
    const result: TrainModelResult = {
      modelId,
      metrics,
      model: { ...base, metrics, estimator: estimator.toJSON() },
      warnings,
    };
    if (modelType === 'linear_regression') {
      result.coefficients = linearCoefficients(estimator.toJSON(), encodedColumns);
    }
    return result;
  }

  const trainLabels = split.train.map((row) => String(targetLabels[row]));
  const classes = [...new Set(trainLabels)].sort((a, b) => a.localeCompare(b));
  if (classes.length < 2) {
    throw new AnalyticsError(
      AnalyticsErrorCode.NOT_ENOUGH_DATA,
      `"${target}" has a single class (${classes[0] ?? 'none'}) in the usable rows; a classifier needs at least two.`,
    );
  }
  const index = new Map(classes.map((label, i) => [label, i]));
  const y = trainLabels.map((label) => index.get(label) ?? 0);
  const estimator = fitEstimator(modelType, trainX, y, seed);
  const actual = split.holdout.map((row) => index.get(String(targetLabels[row])) ?? -1);
  const scores = classificationScores(actual, estimator.predict(holdoutX), classes.length);
  const trainCounts = new Map<number, number>();
  for (const label of y) trainCounts.set(label, (trainCounts.get(label) ?? 0) + 1);
  const majority = [...trainCounts.entries()].sort(([a, ca], [b, cb]) => cb - ca || a - b)[0]?.[0];
  const baselineAccuracy =
    actual.length === 0
      ? Number.NaN
      : actual.filter((label) => label === majority).length / actual.length;
  const classCounts: Record<string, number> = {};
  for (const row of complete) {
    const label = String(targetLabels[row]);
    classCounts[label] = (classCounts[label] ?? 0) + 1;
  }
  const metrics = {
    accuracy: scores.accuracy,
    baselineAccuracy,
    classCount: classes.length,
    ...rowCounts,
  };
  return {
    modelId,
    metrics,
    model: { ...base, classes, metrics, estimator: estimator.toJSON() },
    classCounts,
    confusionMatrix: scores.confusionMatrix,
    warnings,
  };
}

function readTargetLabels(
  table: Table,
  target: string,
  type: ReturnType<typeof columnType>,
): CellValue[] {
  const values = columnValues(table, target);
  if (type !== 'boolean') return values;
  const words = booleanLabels(table, target);
  return values.map((value) => (value === null ? null : value ? words.true : words.false));
}

function linearCoefficients(json: unknown, names: readonly string[]): Record<string, number> {
  const weights = (json as { weights?: number[][] }).weights ?? [];
  const coefficients: Record<string, number> = {};
  names.forEach((name, i) => {
    coefficients[name] = weights[i]?.[0] ?? Number.NaN;
  });
  coefficients['(intercept)'] = weights[names.length]?.[0] ?? Number.NaN;
  return coefficients;
}

/**
 * The outcome of training as chat text: the model, the rows used, the holdout scores
 * (with the baseline for classification), then the coefficients (linear regression) or
 * the classes and confusion counts (classification), and any warnings.
 */
export function formatTrainResult(result: TrainModelResult): string {
  const { model, metrics } = result;
  const lines = [
    `Model ${result.modelId} (${model.modelType}) predicting "${model.target}" from ${model.features.join(', ')}.`,
    `Trained on ${metrics.trainRows} rows, scored on ${metrics.holdoutRows} held-out rows${metrics.droppedRows ? ` (${metrics.droppedRows} incomplete rows left out)` : ''}.`,
  ];
  if (model.task === 'regression') {
    lines.push(
      `R² = ${formatNumber(metrics.r2, { digits: 3 })}, RMSE = ${formatNumber(metrics.rmse)}, MAE = ${formatNumber(metrics.mae)} on the holdout.`,
    );
    if (result.coefficients !== undefined) {
      lines.push(
        '',
        formatTable(
          ['term', 'coefficient'],
          Object.entries(result.coefficients).map(([term, value]) => [term, formatNumber(value)]),
        ),
      );
    }
  } else {
    lines.push(
      `Accuracy ${formatPercent(metrics.accuracy)} on the holdout (always guessing the most frequent class: ${formatPercent(metrics.baselineAccuracy)}).`,
    );
    const classes = model.classes ?? [];
    if (result.confusionMatrix !== undefined) {
      lines.push(
        '',
        'Holdout rows by actual class (rows) and predicted class (columns):',
        formatTable(
          ['actual \\ predicted', ...classes],
          result.confusionMatrix.map((row, i) => [classes[i] ?? '', ...row.map(String)]),
        ),
      );
    }
    if (result.classCounts !== undefined) {
      lines.push(
        '',
        `Rows per class: ${Object.entries(result.classCounts)
          .map(([label, count]) => `${label} ${count}`)
          .join(', ')}.`,
      );
    }
  }
  if (result.warnings.length > 0) lines.push('', ...result.warnings.map((w) => `Note: ${w}`));
  return lines.join('\n');
}
