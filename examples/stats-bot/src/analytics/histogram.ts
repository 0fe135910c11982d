import type { Table } from 'apache-arrow';
import { equalIntervalBreaks } from 'simple-statistics';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { numericValues } from './columnAccess.ts';
import { formatNumber } from './formatNumber.ts';

/** What {@link histogram} returns. */
export interface HistogramResult {
  column: string;
  /** Bin edges, one more than the bins: bin i holds values in [bins[i], bins[i+1]), the last also its upper edge. */
  bins: number[];
  /** Values per bin. */
  counts: number[];
  /** Missing values, not counted in any bin. */
  missing: number;
}

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /**
   * The number of bins, equal widths from the minimum to the maximum.
   * @default Sturges' rule (1 + log2 n), on round edges
   */
  bins?: number;
}

/** The most bins a histogram may have. */
export const maxBins = 100;

/**
 * Counts the values of a numeric column in bins of equal width. Without a bin count,
 * Sturges' rule picks about 1 + log2(n) bins and the edges are moved to round numbers
 * (steps of 1, 2, 2.5 or 5 times a power of ten) that cover the data.
 *
 * @example
 * ```ts
 * const hist = histogram(table, 'price');
 * // { column: 'price', bins: [100000, 200000, ...], counts: [12, 80, ...], missing: 0 }
 * const png = renderHistogramPng(hist, { title: 'price' });
 * ```
 */
export function histogram(
  table: Table,
  column: string,
  options: HistogramOptions = {},
): HistogramResult {
  const values = numericValues(table, column);
  const present = values.filter((value): value is number => value !== null);
  const missingCount = values.length - present.length;
  if (
    options.bins !== undefined &&
    !(Number.isInteger(options.bins) && options.bins >= 1 && options.bins <= maxBins)
  ) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      `The number of bins must be a whole number from 1 to ${maxBins}.`,
    );
  }
  if (present.length === 0) {
    throw new AnalyticsError(
      AnalyticsErrorCode.NOT_ENOUGH_DATA,
      `Column "${column}" has no values to draw.`,
    );
  }
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of present) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  let edges: number[];
  if (low === high) {
    edges = [low - 0.5, high + 0.5];
  } else if (options.bins !== undefined) {
    edges = equalIntervalBreaks(present, options.bins);
  } else {
    edges = roundEdges(low, high, Math.ceil(1 + Math.log2(present.length)));
  }
  const binCount = edges.length - 1;
  const first = edges[0] ?? low;
  const last = edges[binCount] ?? high;
  const width = (last - first) / binCount;
  const counts = new Array<number>(binCount).fill(0);
  for (const value of present) {
    let index = Math.floor((value - first) / width);
    // Guard against rounding at the edges.
    while (index > 0 && value < (edges[index] ?? value)) index -= 1;
    while (index < binCount - 1 && value >= (edges[index + 1] ?? value)) index += 1;
    index = Math.min(Math.max(index, 0), binCount - 1);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return { column, bins: edges, counts, missing: missingCount };
}

function roundEdges(low: number, high: number, target: number): number[] {
  const rough = (high - low) / Math.max(target, 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const start = Math.floor(low / step) * step;
  const edges = [start];
  while ((edges[edges.length - 1] ?? start) <= high) {
    edges.push(roundOff(start + edges.length * step, step));
  }
  return edges;
}

function roundOff(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(decimals, 12)));
}

/** A {@link HistogramResult} as chat text: one bar of █ per bin with its range and count. */
export function formatHistogram(result: HistogramResult, options: { width?: number } = {}): string {
  const barWidth = options.width ?? 24;
  const most = Math.max(...result.counts, 1);
  const labels = result.counts.map(
    (_, i) => `${formatNumber(result.bins[i])} – ${formatNumber(result.bins[i + 1])}`,
  );
  const labelWidth = Math.max(...labels.map((label) => label.length));
  const total = result.counts.reduce((sum, count) => sum + count, 0);
  const lines = [
    `Histogram of "${result.column}" (${total} values${result.missing > 0 ? `, ${result.missing} missing` : ''}):`,
    '',
  ];
  result.counts.forEach((count, i) => {
    const length = Math.round((count / most) * barWidth);
    const bar = count > 0 && length === 0 ? '▏' : '█'.repeat(length);
    lines.push(`${(labels[i] ?? '').padStart(labelWidth)} │${bar.padEnd(barWidth)} ${count}`);
  });
  return lines.join('\n');
}
