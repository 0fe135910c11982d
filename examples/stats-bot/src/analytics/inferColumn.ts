import type { ColumnType } from '@chatflow/machines';
import { isMissing, parseBoolean, parseDate, parseNumber, type RawCell } from './parseCell.ts';

/** A column's values once its type is known: numbers, text, booleans, or dates as epoch ms. */
export type ColumnValues = (number | string | boolean | null)[];

/** What {@link inferColumn} found out about one column. */
export interface InferredColumn {
  type: ColumnType;
  /** One value per cell: `null` where the cell was missing or did not fit the type. */
  values: ColumnValues;
  /** For a boolean column written as yes/no, the words used, so results can speak them. */
  booleanLabels?: { true: string; false: string };
  /** Things the user should know (values that were set aside, an empty column). */
  warnings: string[];
}

/** Options of {@link inferColumn}. */
export interface InferColumnOptions {
  /**
   * Accept a comma as the decimal point (`3,14`).
   * @default false
   */
  decimalComma?: boolean;
}

/**
 * The share of non-missing cells that may fail to parse in a column that is otherwise
 * numbers or dates: those cells become missing (with a warning) instead of turning the
 * whole column into text.
 */
export const toleratedShare = 0.05;
/** Below this many parsed cells, a single odd value keeps the column as text. */
export const minimumForTolerance = 20;

/**
 * Infers the type of one column from its cells and converts them: `number` when every
 * non-missing cell is a number (sign, decimals and exponents included), else `boolean`
 * for true/false/yes/no, else `date` for ISO-like dates, else `string`. Missing cells
 * (empty, NA, N/A, null, NaN, -) are `null` and never decide the type. In a long
 * column of numbers or dates, up to 5% of odd values are set aside as missing with a
 * warning naming them.
 *
 * @example
 * ```ts
 * inferColumn('age', ['31', 'NA', '-4.5e1']);
 * // { type: 'number', values: [31, null, -45], warnings: [] }
 * ```
 */
export function inferColumn(
  name: string,
  cells: readonly RawCell[],
  options: InferColumnOptions = {},
): InferredColumn {
  const present = cells.filter((cell) => !isMissing(cell));
  if (present.length === 0) {
    return {
      type: 'string',
      values: cells.map(() => null),
      warnings: [`Column "${name}" has no values; it is kept as an empty text column.`],
    };
  }

  const asNumber = (cell: RawCell): number | undefined => {
    if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
    if (typeof cell === 'string') return parseNumber(cell, options);
    return undefined;
  };
  const numbers = tryType(name, cells, asNumber, 'numbers');
  if (numbers !== undefined) return { type: 'number', ...numbers };

  const asBoolean = (cell: RawCell): boolean | undefined => {
    if (typeof cell === 'boolean') return cell;
    if (typeof cell === 'string') return parseBoolean(cell);
    return undefined;
  };
  if (present.every((cell) => asBoolean(cell) !== undefined)) {
    const values = cells.map((cell) => (isMissing(cell) ? null : (asBoolean(cell) ?? null)));
    const labels = yesNoLabels(present);
    return labels === undefined
      ? { type: 'boolean', values, warnings: [] }
      : { type: 'boolean', values, booleanLabels: labels, warnings: [] };
  }

  const asDate = (cell: RawCell): number | undefined => {
    if (cell instanceof Date) return cell.getTime();
    if (typeof cell === 'string') return parseDate(cell);
    return undefined;
  };
  const dates = tryType(name, cells, asDate, 'dates');
  if (dates !== undefined) return { type: 'date', ...dates };

  return {
    type: 'string',
    values: cells.map((cell) => (isMissing(cell) ? null : cellText(cell))),
    warnings: [],
  };
}

function tryType(
  name: string,
  cells: readonly RawCell[],
  parse: (cell: RawCell) => number | undefined,
  noun: string,
): { values: ColumnValues; warnings: string[] } | undefined {
  const values: ColumnValues = [];
  const odd: string[] = [];
  let parsed = 0;
  for (const cell of cells) {
    if (isMissing(cell)) {
      values.push(null);
      continue;
    }
    const value = parse(cell);
    if (value === undefined) {
      odd.push(cellText(cell));
      values.push(null);
    } else {
      parsed += 1;
      values.push(value);
    }
  }
  if (odd.length === 0) return { values, warnings: [] };
  const tolerated =
    parsed >= minimumForTolerance && odd.length <= toleratedShare * (parsed + odd.length);
  if (!tolerated) return undefined;
  const examples = [...new Set(odd)]
    .slice(0, 3)
    .map((text) => `"${text}"`)
    .join(', ');
  return {
    values,
    warnings: [
      `Column "${name}": ${odd.length} value${odd.length === 1 ? '' : 's'} that ${odd.length === 1 ? 'is' : 'are'} not ${noun} (${examples}) ${odd.length === 1 ? 'is' : 'are'} treated as missing.`,
    ],
  };
}

function yesNoLabels(present: readonly RawCell[]): { true: string; false: string } | undefined {
  let yesNo = 0;
  for (const cell of present) {
    if (typeof cell !== 'string') return undefined;
    const token = cell.trim().toLowerCase();
    if (token !== 'yes' && token !== 'no') return undefined;
    yesNo += 1;
  }
  return yesNo > 0 ? { true: 'yes', false: 'no' } : undefined;
}

/** The text of a raw cell, as a string column keeps it. */
export function cellText(cell: RawCell): string {
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
}
