import type { Table } from 'apache-arrow';
import { numericValues } from './columnAccess.ts';

/**
 * The rows where two numeric columns both have a value, as two aligned arrays
 * (pairwise-complete observations).
 */
export function pairedValues(table: Table, x: string, y: string): { xs: number[]; ys: number[] } {
  const left = numericValues(table, x);
  const right = numericValues(table, y);
  const xs: number[] = [];
  const ys: number[] = [];
  left.forEach((a, i) => {
    const b = right[i];
    if (a !== null && b !== null && b !== undefined) {
      xs.push(a);
      ys.push(b);
    }
  });
  return { xs, ys };
}
