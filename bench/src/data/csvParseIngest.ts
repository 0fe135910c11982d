/**
 * CSV to Arrow with the field's own tools when the bot's ingest is not there:
 * `csv-parse` (with number casting) and apache-arrow's `tableFromArrays`.
 */
import { type Table, tableFromArrays } from 'apache-arrow';
import { parse } from 'csv-parse/sync';

/**
 * Parses CSV text with a header row into an Arrow table: numeric columns as
 * `Float64`, every other column as text.
 *
 * @example
 * ```ts
 * const table = csvParseIngest('a,b\n1,x\n');
 * ```
 */
export function csvParseIngest(text: string): Table {
  const records = parse(text, { cast: true, skip_empty_lines: true }) as unknown[][];
  const header = (records[0] ?? []).map(String);
  const rows = records.length - 1;
  const arrays: Record<string, Float64Array | string[]> = {};
  header.forEach((name, c) => {
    const numeric = rows > 0 && typeof records[1]?.[c] === 'number';
    if (numeric) {
      const values = new Float64Array(rows);
      for (let r = 0; r < rows; r++) values[r] = Number(records[r + 1]?.[c]);
      arrays[name] = values;
    } else {
      const values: string[] = new Array(rows);
      for (let r = 0; r < rows; r++) values[r] = String(records[r + 1]?.[c]);
      arrays[name] = values;
    }
  });
  return tableFromArrays(arrays);
}
