/**
 * The baseline of CSV ingest: split on newlines and commas, `Number()` each numeric
 * field, no quoting, no type inference, no checks, no Arrow.
 */
import { csvColumns } from './generateCsv.ts';

/** Columns of the generated file as plain arrays (numbers in `Float64Array`s). */
export type NaiveColumns = (Float64Array | string[] | boolean[])[];

/**
 * Parses the generated CSV the quick and careless way.
 *
 * @example
 * ```ts
 * const columns = naiveParse(generateCsv(1000));
 * ```
 */
export function naiveParse(text: string): NaiveColumns {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const rows = lines.length - 1;
  const columns: NaiveColumns = csvColumns.map((c) =>
    c.kind === 'number' ? new Float64Array(rows) : [],
  );
  for (let r = 0; r < rows; r++) {
    const fields = (lines[r + 1] as string).split(',');
    for (let c = 0; c < csvColumns.length; c++) {
      const column = columns[c] as Float64Array | string[] | boolean[];
      const field = fields[c] as string;
      const kind = csvColumns[c]?.kind;
      if (kind === 'number') (column as Float64Array)[r] = Number(field);
      else if (kind === 'boolean') (column as boolean[]).push(field === 'true');
      else (column as string[]).push(field);
    }
  }
  return columns;
}
