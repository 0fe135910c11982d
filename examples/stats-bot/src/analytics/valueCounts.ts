import type { Table } from 'apache-arrow';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { formatColumnCells } from './formatCell.ts';
import { formatPercent } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';

/** One value of a column and how often it appears. */
export interface ValueCount {
  /** The value as shown to the user (numbers rounded, dates as dates, yes/no words). */
  value: string;
  count: number;
  /** Share of the present values, 0 to 1. */
  share: number;
}

/** What {@link valueCounts} returns. */
export interface ValueCountsResult {
  column: string;
  /** Values present. */
  count: number;
  missing: number;
  /** Different values. */
  distinct: number;
  /** The most frequent values, most frequent first (ties in value order). */
  values: ValueCount[];
  /** Present values beyond the top ones. */
  otherCount: number;
}

/**
 * The most frequent values of a column, with counts and shares.
 *
 * @example
 * ```ts
 * await reply(formatValueCounts(valueCounts(table, 'city', 5)));
 * ```
 */
export function valueCounts(table: Table, column: string, top = 10): ValueCountsResult {
  if (!(top >= 1)) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      'Please ask for at least one value.',
    );
  }
  const cells = formatColumnCells(table, column);
  const raw = table.getChild(column);
  const counts = new Map<string, number>();
  let missingCount = 0;
  cells.forEach((cell, row) => {
    const value: unknown = raw?.get(row);
    if (value === null || value === undefined) {
      missingCount += 1;
      return;
    }
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  });
  const present = cells.length - missingCount;
  const sorted = [...counts.entries()].sort(
    ([a, ca], [b, cb]) => cb - ca || a.localeCompare(b, undefined, { numeric: true }),
  );
  const values = sorted
    .slice(0, Math.floor(top))
    .map(([value, count]) => ({ value, count, share: present === 0 ? 0 : count / present }));
  const shown = values.reduce((sum, value) => sum + value.count, 0);
  return {
    column,
    count: present,
    missing: missingCount,
    distinct: counts.size,
    values,
    otherCount: present - shown,
  };
}

/** A {@link ValueCountsResult} as chat text: value, count and share per line. */
export function formatValueCounts(result: ValueCountsResult): string {
  const rows = result.values.map((entry) => [
    entry.value,
    String(entry.count),
    formatPercent(entry.share),
  ]);
  const others = result.distinct - result.values.length;
  if (others > 0) {
    rows.push([
      `(${others} other value${others === 1 ? '' : 's'})`,
      String(result.otherCount),
      formatPercent(result.count === 0 ? 0 : result.otherCount / result.count),
    ]);
  }
  const lines = [
    `Values of "${result.column}" (${result.distinct} distinct among ${result.count} present):`,
    '',
    formatTable(['value', 'count', 'share'], rows, { maxCellWidth: 30 }),
  ];
  if (result.missing > 0) lines.push('', `Missing: ${result.missing}`);
  return lines.join('\n');
}
