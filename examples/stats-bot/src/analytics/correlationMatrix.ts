import type { Table } from 'apache-arrow';
import { sampleCorrelation } from 'simple-statistics';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { numericValues } from './columnAccess.ts';
import { formatPClause } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';
import { pairedValues } from './pairedValues.ts';
import { studentTTwoSidedP } from './studentT.ts';

/** What {@link correlationMatrix} returns; matrices are indexed like `columns`. */
export interface CorrelationResult {
  columns: string[];
  /** Pearson's r per pair; `null` with fewer than 3 pairs or a constant column. */
  matrix: (number | null)[][];
  /** Rows where both columns have a value. */
  n: number[][];
  /** Two-sided p-value of r = 0 (t test with n - 2 degrees of freedom); `null` on the diagonal. */
  pValues: (number | null)[][];
}

/**
 * Pearson correlations between numeric columns, each pair on the rows where both have a
 * value (pairwise complete), with their p-values. Needs at least two columns.
 *
 * @example
 * ```ts
 * const result = correlationMatrix(table, ['price', 'area_m2', 'rooms']);
 * result.matrix[0]?.[1]; // r of price and area_m2
 * await reply(formatCorrelationMatrix(result));
 * ```
 */
export function correlationMatrix(table: Table, columns: readonly string[]): CorrelationResult {
  const unique = [...new Set(columns)];
  if (unique.length < 2) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      'A correlation needs at least two different numeric columns.',
    );
  }
  for (const column of unique) numericValues(table, column);
  const size = unique.length;
  const matrix = Array.from({ length: size }, () => new Array<number | null>(size).fill(null));
  const n = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const pValues = Array.from({ length: size }, () => new Array<number | null>(size).fill(null));
  for (let i = 0; i < size; i += 1) {
    for (let j = i; j < size; j += 1) {
      const { xs, ys } = pairedValues(table, unique[i] ?? '', unique[j] ?? '');
      const computed = pearson(xs, ys);
      const r = i === j && computed !== null ? 1 : computed;
      const rowI = matrix[i] as (number | null)[];
      const rowJ = matrix[j] as (number | null)[];
      rowI[j] = r;
      rowJ[i] = r;
      (n[i] as number[])[j] = xs.length;
      (n[j] as number[])[i] = xs.length;
      if (i !== j && r !== null) {
        const p = correlationPValue(r, xs.length);
        (pValues[i] as (number | null)[])[j] = p;
        (pValues[j] as (number | null)[])[i] = p;
      }
    }
  }
  return { columns: unique, matrix, n, pValues };
}

function pearson(xs: number[], ys: number[]): number | null {
  if (xs.length < 3) return null;
  const r = sampleCorrelation(xs, ys);
  if (!Number.isFinite(r)) return null;
  return Math.max(-1, Math.min(1, r));
}

function correlationPValue(r: number, n: number): number | null {
  if (n < 3) return null;
  if (Math.abs(r) >= 1) return 0;
  const t = r * Math.sqrt((n - 2) / (1 - r * r));
  return studentTTwoSidedP(t, n - 2);
}

/**
 * A {@link CorrelationResult} as chat text: the matrix of r values, then the strongest
 * pairs with their p-values.
 */
export function formatCorrelationMatrix(result: CorrelationResult): string {
  const { columns, matrix, n, pValues } = result;
  const rows = columns.map((name, i) => [
    name,
    ...columns.map((_, j) => formatR(matrix[i]?.[j] ?? null)),
  ]);
  const pairs: { a: string; b: string; r: number; n: number; p: number | null }[] = [];
  columns.forEach((a, i) => {
    columns.forEach((b, j) => {
      const r = matrix[i]?.[j];
      if (j > i && r !== null && r !== undefined) {
        pairs.push({ a, b, r, n: n[i]?.[j] ?? 0, p: pValues[i]?.[j] ?? null });
      }
    });
  });
  pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r));
  const lines = [
    'Pearson correlations (pairwise complete rows):',
    '',
    formatTable(['', ...columns], rows),
  ];
  if (pairs.length > 0) {
    lines.push('', 'Strongest:');
    for (const pair of pairs.slice(0, 3)) {
      lines.push(
        `${pair.a} ~ ${pair.b}: r = ${formatR(pair.r)} (n = ${pair.n}, ${formatPClause(pair.p)})`,
      );
    }
  }
  return lines.join('\n');
}

function formatR(r: number | null): string {
  return r === null ? '—' : r.toFixed(3);
}
