import { Float64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { loadEstimator } from './estimators.ts';
import { encodeRow, readFeatureColumns, standardize } from './featureEncoding.ts';
import { formatColumnCells } from './formatCell.ts';
import { formatNumber } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';
import { isModelTypeId } from './modelTask.ts';
import type { SerializedModel } from './types.ts';

/** What {@link predict} needs. */
export interface PredictOptions {
  /** A model from {@link trainModel}, as it is or after a JSON round trip. */
  model: SerializedModel;
  /** The rows to predict; its columns must include the model's features. */
  table: Table;
  /**
   * Rows shown in the preview text.
   * @default 10
   */
  previewRows?: number;
}

/** Predictions for every row of a table. */
export interface PredictResult {
  /** One per row, in order: numbers for regression, class labels for classification. */
  predictions: (number | string)[];
  rowCount: number;
  /** The first rows with their features and prediction, as chat text. */
  preview: string;
  /** Rows with a missing feature value, predicted with the training mean (or no category). */
  filledRows: number;
  warnings: string[];
  /** The input table with a `predicted_<target>` column added. */
  table: Table;
}

/**
 * Whether a value has the shape of a {@link SerializedModel} (after `JSON.parse`, say).
 *
 * @example
 * ```ts
 * const model: unknown = JSON.parse(stored);
 * if (isSerializedModel(model)) predict({ model, table });
 * ```
 */
export function isSerializedModel(value: unknown): value is SerializedModel {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Partial<Record<keyof SerializedModel, unknown>>;
  return (
    model.format === 'stats-bot/model' &&
    model.version === 1 &&
    typeof model.modelType === 'string' &&
    isModelTypeId(model.modelType) &&
    typeof model.target === 'string' &&
    Array.isArray(model.features) &&
    Array.isArray(model.encoding) &&
    model.encoding.length === model.features.length &&
    model.estimator !== undefined &&
    (model.task === 'regression' || Array.isArray(model.classes))
  );
}

/**
 * Loads a trained model and predicts every row of a table. The table needs the model's
 * feature columns (a `MISSING_COLUMNS` {@link AnalyticsError} names those it lacks) with
 * the types the model was trained on; other columns are ignored. A missing feature value
 * is filled with the training mean (no category for text) and counted in `filledRows`.
 *
 * @example
 * ```ts
 * const { predictions, preview } = predict({ model: JSON.parse(stored), table: newHouses });
 * await reply(preview);
 * ```
 */
export function predict(options: PredictOptions): PredictResult {
  const { model, table } = options;
  if (!isSerializedModel(model)) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_MODEL,
      'This is not a model trained by this bot, or it was stored by an incompatible version; please train it again.',
    );
  }
  const present = new Set(table.schema.fields.map((field) => field.name));
  const missing = model.features.filter((feature) => !present.has(feature));
  if (missing.length > 0) {
    throw new AnalyticsError(
      AnalyticsErrorCode.MISSING_COLUMNS,
      `The data lacks ${missing.length === 1 ? 'a column' : 'columns'} the model needs: ${missing.map((m) => `"${m}"`).join(', ')}. Model ${model.modelId} predicts "${model.target}" from ${model.features.join(', ')}.`,
    );
  }
  const columns = readFeatureColumns(table, model.encoding);
  const estimator = loadEstimator(model.modelType, model.estimator);
  let filledRows = 0;
  const rows: number[][] = [];
  for (let row = 0; row < table.numRows; row += 1) {
    const { vector, filled } = encodeRow(columns, row);
    if (filled) filledRows += 1;
    rows.push(
      model.standardization === undefined ? vector : standardize(vector, model.standardization),
    );
  }
  const raw = estimator.predict(rows);
  const classes = model.classes ?? [];
  const predictions: (number | string)[] =
    model.task === 'regression' ? raw : raw.map((index) => classes[index] ?? String(index));

  const warnings: string[] = [];
  if (filledRows > 0) {
    warnings.push(
      `${filledRows} row${filledRows === 1 ? ' has' : 's have'} a missing feature value, filled with the training average (or no category) to predict.`,
    );
  }
  const column = predictionColumnName(model.target, present);
  const withPredictions = addColumn(table, column, predictions, model.task === 'regression');
  const preview = formatPreview(
    model,
    withPredictions,
    column,
    options.previewRows ?? 10,
    warnings,
  );
  return {
    predictions,
    rowCount: table.numRows,
    preview,
    filledRows,
    warnings,
    table: withPredictions,
  };
}

function predictionColumnName(target: string, present: ReadonlySet<string>): string {
  let name = `predicted_${target}`;
  let k = 2;
  while (present.has(name)) {
    name = `predicted_${target}_${k}`;
    k += 1;
  }
  return name;
}

function addColumn(
  table: Table,
  name: string,
  values: (number | string)[],
  numeric: boolean,
): Table {
  const vector = vectorFromArray(values as never[], numeric ? new Float64() : new Utf8());
  return table.assign(new Table({ [name]: vector }));
}

function formatPreview(
  model: SerializedModel,
  table: Table,
  column: string,
  count: number,
  warnings: readonly string[],
): string {
  const shown = model.features.slice(0, 5);
  const cells = [...shown, column].map((name) => formatColumnCells(table, name, count));
  const rows = (cells[0] ?? []).map((_, row) => cells.map((column) => column[row] ?? ''));
  const lines = [
    `Predicted "${model.target}" for ${table.numRows} row${table.numRows === 1 ? '' : 's'} with model ${model.modelId}${table.numRows > count ? `; the first ${count}:` : ':'}`,
    '',
    formatTable([...shown, column], rows),
  ];
  if (model.task === 'regression' && model.metrics.rmse !== undefined) {
    lines.push('', `Typical error on held-out rows: ±${formatNumber(model.metrics.rmse)} (RMSE).`);
  }
  if (warnings.length > 0) lines.push('', ...warnings.map((w) => `Note: ${w}`));
  return lines.join('\n');
}
