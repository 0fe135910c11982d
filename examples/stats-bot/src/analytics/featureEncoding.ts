import type { Table } from 'apache-arrow';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { type CellValue, columnType, columnValues, typeNoun } from './columnAccess.ts';
import type { FeatureEncoding, Standardization } from './types.ts';

/** At most this many categories of a text feature get their own column. */
export const maxCategories = 30;

const dayMs = 86_400_000;

/** A feature column read from a table, ready to encode. */
export interface FeatureColumn {
  encoding: FeatureEncoding;
  values: CellValue[];
}

/**
 * Learns how to turn each feature column into numbers from the training rows: numbers as
 * they are, booleans as 0/1, dates as days since the epoch (each with the training mean
 * to fill a missing value at prediction), and text as one-hot columns of its categories,
 * most frequent first, the first being the reference level. Warnings say when a text
 * feature has too many categories to use them all.
 */
export function fitFeatureEncoding(
  table: Table,
  features: readonly string[],
  trainRows: readonly number[],
): { encoding: FeatureEncoding[]; warnings: string[] } {
  const warnings: string[] = [];
  const encoding = features.map((name): FeatureEncoding => {
    const type = columnType(table, name);
    const values = columnValues(table, name);
    if (type === 'string') {
      const counts = new Map<string, number>();
      for (const row of trainRows) {
        const value = values[row];
        if (value !== null && value !== undefined) {
          counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
        }
      }
      const sorted = [...counts.entries()]
        .sort(([a, ca], [b, cb]) => cb - ca || a.localeCompare(b))
        .map(([category]) => category);
      if (sorted.length > maxCategories) {
        warnings.push(
          `Feature "${name}" has ${sorted.length} different values; only the ${maxCategories} most frequent are used, the others count as "other".`,
        );
      }
      return { name, kind: 'category', categories: sorted.slice(0, maxCategories) };
    }
    let sum = 0;
    let count = 0;
    for (const row of trainRows) {
      const number = toNumber(values[row] ?? null, type === 'date');
      if (number !== null) {
        sum += number;
        count += 1;
      }
    }
    const fill = count === 0 ? 0 : sum / count;
    const kind = type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'date';
    return { name, kind, fill };
  });
  return { encoding, warnings };
}

function toNumber(value: CellValue, isDate: boolean): number | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return isDate ? value / dayMs : value;
  return null;
}

/** The names of the columns an encoding produces, e.g. `area`, `city=Lyon`. */
export function encodedColumnNames(encoding: readonly FeatureEncoding[]): string[] {
  return encoding.flatMap((feature) =>
    feature.kind === 'category'
      ? feature.categories.slice(1).map((category) => `${feature.name}=${category}`)
      : [feature.name],
  );
}

const expectedType = { number: 'number', boolean: 'boolean', date: 'date' } as const;

/**
 * Reads the feature columns of a table for an encoding, checking that each has the type
 * the model was trained on (a `WRONG_COLUMN_TYPE` {@link AnalyticsError} otherwise). Text
 * features accept any column, read as text.
 */
export function readFeatureColumns(
  table: Table,
  encoding: readonly FeatureEncoding[],
): FeatureColumn[] {
  return encoding.map((feature) => {
    const type = columnType(table, feature.name);
    if (feature.kind !== 'category' && type !== expectedType[feature.kind]) {
      throw new AnalyticsError(
        AnalyticsErrorCode.WRONG_COLUMN_TYPE,
        `Column "${feature.name}" holds ${typeNoun(type)}, but the model was trained on ${typeNoun(expectedType[feature.kind])} in that column.`,
      );
    }
    return { encoding: feature, values: columnValues(table, feature.name) };
  });
}

/**
 * Encodes one row of feature values as numbers. A missing value is filled (the training
 * mean; no category); `filled` says whether that happened.
 */
export function encodeRow(
  columns: readonly FeatureColumn[],
  row: number,
): { vector: number[]; filled: boolean } {
  const vector: number[] = [];
  let filled = false;
  for (const { encoding, values } of columns) {
    const value = values[row] ?? null;
    if (encoding.kind === 'category') {
      if (value === null) filled = true;
      const text = value === null ? undefined : String(value);
      for (const category of encoding.categories.slice(1)) vector.push(text === category ? 1 : 0);
      continue;
    }
    const number = toNumber(value, encoding.kind === 'date');
    if (number === null) filled = true;
    vector.push(number ?? encoding.fill);
  }
  return { vector, filled };
}

/** Whether a row has a value in every feature column. */
export function isCompleteRow(columns: readonly FeatureColumn[], row: number): boolean {
  return columns.every(({ values }) => {
    const value = values[row];
    return value !== null && value !== undefined;
  });
}

/** Mean and spread (population standard deviation, 1 when zero) of each encoded column. */
export function fitStandardization(rows: readonly number[][]): Standardization {
  const width = rows[0]?.length ?? 0;
  const means = new Array<number>(width).fill(0);
  const scales = new Array<number>(width).fill(0);
  for (const row of rows) {
    row.forEach((value, j) => {
      means[j] = (means[j] ?? 0) + value;
    });
  }
  for (let j = 0; j < width; j += 1) means[j] = (means[j] ?? 0) / Math.max(rows.length, 1);
  for (const row of rows) {
    row.forEach((value, j) => {
      const delta = value - (means[j] ?? 0);
      scales[j] = (scales[j] ?? 0) + delta * delta;
    });
  }
  for (let j = 0; j < width; j += 1) {
    const sd = Math.sqrt((scales[j] ?? 0) / Math.max(rows.length, 1));
    scales[j] = sd > 1e-12 ? sd : 1;
  }
  return { means, scales };
}

/** Applies a standardization to one encoded row. */
export function standardize(row: readonly number[], { means, scales }: Standardization): number[] {
  return row.map((value, j) => (value - (means[j] ?? 0)) / (scales[j] ?? 1));
}
