import { PNG } from 'pngjs';
import { drawText, glyphHeight, textWidth } from './bitmapFont.ts';
import { formatNumber } from './formatNumber.ts';
import type { HistogramResult } from './histogram.ts';

/** An RGB colour, each channel 0 to 255. */
export type Rgb = readonly [number, number, number];

/** Options of {@link renderHistogramPng}. */
export interface RenderHistogramOptions {
  /**
   * The title drawn above the chart.
   * @default the column name
   */
  title?: string;
  /**
   * Image width in pixels.
   * @default 640
   */
  width?: number;
  /**
   * Image height in pixels.
   * @default 400
   */
  height?: number;
  /**
   * Colour of the bars.
   * @default [70, 130, 180]
   */
  barColor?: Rgb;
  /**
   * Colour of the axes, tick marks and text.
   * @default [33, 33, 33]
   */
  inkColor?: Rgb;
  /**
   * Background colour.
   * @default [255, 255, 255]
   */
  background?: Rgb;
}

/** Space around the plot area, in pixels. */
const margin = { left: 64, right: 24, top: 44, bottom: 48 };
const tickLength = 5;

/**
 * Draws a histogram as a PNG image: one bar per bin, scaled to the largest count, on x
 * and y axes with tick marks at the bin edges and at round counts, labelled with a small
 * built-in font, and a title. Returns the encoded PNG bytes.
 *
 * @example
 * ```ts
 * const png = renderHistogramPng(histogram(table, 'price'), { title: 'Price' });
 * await ctx.replyWithPhoto(new InputFile(png, 'price.png'));
 * ```
 */
export function renderHistogramPng(
  hist: HistogramResult,
  options: RenderHistogramOptions = {},
): Uint8Array {
  const width = Math.max(Math.round(options.width ?? 640), margin.left + margin.right + 40);
  const height = Math.max(Math.round(options.height ?? 400), margin.top + margin.bottom + 40);
  const bar = options.barColor ?? [70, 130, 180];
  const ink = options.inkColor ?? [33, 33, 33];
  const background = options.background ?? [255, 255, 255];
  const png = new PNG({ width, height });
  const set = (x: number, y: number, [r, g, b]: Rgb) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const offset = (Math.floor(y) * width + Math.floor(x)) * 4;
    png.data[offset] = r;
    png.data[offset + 1] = g;
    png.data[offset + 2] = b;
    png.data[offset + 3] = 255;
  };
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) set(x, y, background);

  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const baseline = height - margin.bottom;
  const plotHeight = baseline - top;
  const binCount = Math.max(hist.counts.length, 1);
  const binWidth = (right - left) / binCount;
  const most = Math.max(...hist.counts, 0);
  const yMax = most === 0 ? 1 : niceCeiling(most);

  // Bars, with a one-pixel gap between neighbours.
  hist.counts.forEach((count, i) => {
    const barHeight = Math.round((count / yMax) * plotHeight);
    const x0 = Math.round(left + i * binWidth) + 1;
    const x1 = Math.round(left + (i + 1) * binWidth) - 1;
    for (let x = x0; x < x1; x += 1) {
      for (let y = baseline - barHeight; y < baseline; y += 1) set(x, y, bar);
    }
  });

  // Axes.
  for (let x = left; x <= right; x += 1) set(x, baseline, ink);
  for (let y = top; y <= baseline; y += 1) set(left, y, ink);

  // Y ticks at round counts.
  const yStep = niceStep(yMax / 5);
  for (let value = 0; value <= yMax + 1e-9; value += yStep) {
    const y = Math.round(baseline - (value / yMax) * plotHeight);
    for (let dx = 1; dx <= tickLength; dx += 1) set(left - dx, y, ink);
    const label = formatNumber(value);
    drawText(label, left - tickLength - 4 - textWidth(label), y - 3, 1, (px, py) =>
      set(px, py, ink),
    );
  }

  // X ticks at the bin edges; labels where they fit.
  let lastLabelEnd = Number.NEGATIVE_INFINITY;
  hist.bins.forEach((edge, i) => {
    const x = Math.round(left + i * binWidth);
    for (let dy = 1; dy <= tickLength; dy += 1) set(x, baseline + dy, ink);
    const label = formatNumber(edge);
    const labelLeft = Math.round(x - textWidth(label) / 2);
    if (labelLeft > lastLabelEnd + 6 && labelLeft + textWidth(label) <= width) {
      drawText(label, labelLeft, baseline + tickLength + 4, 1, (px, py) => set(px, py, ink));
      lastLabelEnd = labelLeft + textWidth(label);
    }
  });

  // Column name under the axis, title above the chart.
  const axisLabel = hist.column;
  drawText(
    axisLabel,
    Math.round((left + right - textWidth(axisLabel)) / 2),
    height - glyphHeight - 8,
    1,
    (px, py) => set(px, py, ink),
  );
  const title = options.title ?? hist.column;
  let scale = 2;
  while (scale > 1 && textWidth(title, scale) > width - 16) scale -= 1;
  drawText(title, Math.round((width - textWidth(title, scale)) / 2), 12, scale, (px, py) =>
    set(px, py, ink),
  );

  return new Uint8Array(PNG.sync.write(png));
}

/** The smallest round number (1, 2, 2.5, 5 × 10^k) at or above a value. */
function niceStep(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}

/** A round top for the y axis: a multiple of a round step just above the value. */
function niceCeiling(value: number): number {
  const step = niceStep(value / 5);
  return Math.ceil(value / step) * step;
}
