/**
 * A numeric Arrow table of a given size, for the data storage benchmark.
 */
import { type Table, tableFromArrays } from 'apache-arrow';

/**
 * A table of `columns` Float64 columns and `rows` rows (`8 * rows * columns` bytes of
 * values), filled with a cheap deterministic sequence.
 *
 * @example
 * ```ts
 * const table = numericTable(2 ** 20, 10); // 80 MB of values
 * ```
 */
export function numericTable(rows: number, columns: number): Table {
  const arrays: Record<string, Float64Array> = {};
  for (let c = 0; c < columns; c++) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = (r * 31 + c * 17) % 1009;
    arrays[`x${c}`] = values;
  }
  return tableFromArrays(arrays);
}
