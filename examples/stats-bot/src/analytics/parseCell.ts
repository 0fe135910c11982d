/**
 * A cell as it comes out of a file before its column's type is known: text from a CSV,
 * or a typed value from a spreadsheet.
 */
export type RawCell = string | number | boolean | Date | null | undefined;

const missingTokens = new Set(['', 'na', 'n/a', 'null', 'nan', '-']);

/**
 * Whether a cell is a missing value: empty, or one of `NA`, `N/A`, `null`, `NaN`, `-`
 * (any case, surrounding spaces ignored).
 *
 * @example
 * ```ts
 * isMissing(' n/a '); // true
 * isMissing('0'); // false
 * ```
 */
export function isMissing(cell: RawCell): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'number') return Number.isNaN(cell);
  if (cell instanceof Date) return Number.isNaN(cell.getTime());
  if (typeof cell === 'boolean') return false;
  return missingTokens.has(cell.trim().toLowerCase());
}

const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const decimalCommaPattern = /^[+-]?\d+,\d+(?:[eE][+-]?\d+)?$/;

/**
 * Reads a number written in plain decimal notation, with an optional sign, fraction and
 * exponent (`-1.5`, `.5`, `2e-3`). With `decimalComma`, a comma may stand for the
 * decimal point (`3,14`), as in CSV files separated by semicolons. Anything else
 * (thousands separators, units, `Infinity`) is not a number.
 *
 * @example
 * ```ts
 * parseNumber('-1.5e3'); // -1500
 * parseNumber('3,14', { decimalComma: true }); // 3.14
 * parseNumber('12 kg'); // undefined
 * ```
 */
export function parseNumber(
  text: string,
  options: { decimalComma?: boolean } = {},
): number | undefined {
  const trimmed = text.trim();
  if (numberPattern.test(trimmed)) return Number(trimmed);
  if (options.decimalComma === true && decimalCommaPattern.test(trimmed)) {
    return Number(trimmed.replace(',', '.'));
  }
  return undefined;
}

const booleanTokens = new Map<string, boolean>([
  ['true', true],
  ['false', false],
  ['yes', true],
  ['no', false],
]);

/**
 * Reads `true`, `false`, `yes` or `no` (any case).
 *
 * @example
 * ```ts
 * parseBoolean('Yes'); // true
 * parseBoolean('1'); // undefined
 * ```
 */
export function parseBoolean(text: string): boolean | undefined {
  return booleanTokens.get(text.trim().toLowerCase());
}

const datePattern =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads an ISO-like date or date-time (`2024-03-01`, `2024/3/1`, `2024-03-01 14:30`,
 * `2024-03-01T14:30:00.250Z`, `2024-03-01T14:30+02:00`) as milliseconds since the epoch.
 * A date or time without a zone is read as UTC. Impossible dates (`2024-02-30`) are not
 * dates.
 *
 * @example
 * ```ts
 * parseDate('2024-03-01'); // 1709251200000
 * parseDate('03/01/2024'); // undefined (ambiguous day/month order)
 * ```
 */
export function parseDate(text: string): number | undefined {
  const match = datePattern.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Number(ms.padEnd(3, '0')));
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCDate() !== day) return undefined;
  return utc - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  return sign * (hours * 60 + minutes) * 60_000;
}
