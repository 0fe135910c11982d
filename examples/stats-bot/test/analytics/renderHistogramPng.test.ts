import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { HistogramResult } from '../../src/analytics/histogram.ts';
import { type Rgb, renderHistogramPng } from '../../src/analytics/renderHistogramPng.ts';

const barColor: Rgb = [200, 30, 40];
const inkColor: Rgb = [0, 0, 0];

function decode(bytes: Uint8Array) {
  const png = PNG.sync.read(Buffer.from(bytes));
  const isColor = (x: number, y: number, [r, g, b]: Rgb) => {
    const offset = (y * png.width + x) * 4;
    return png.data[offset] === r && png.data[offset + 1] === g && png.data[offset + 2] === b;
  };
  return { png, isColor };
}

/** Runs of bar-coloured columns along a row, with each run's bar height at its centre. */
function bars(bytes: Uint8Array, row: number): { left: number; right: number; height: number }[] {
  const { png, isColor } = decode(bytes);
  const found: { left: number; right: number; height: number }[] = [];
  let start = -1;
  for (let x = 0; x <= png.width; x += 1) {
    const inBar = x < png.width && isColor(x, row, barColor);
    if (inBar && start < 0) start = x;
    if (!inBar && start >= 0) {
      const centre = Math.floor((start + x - 1) / 2);
      let height = 0;
      for (let y = 0; y < png.height; y += 1) if (isColor(centre, y, barColor)) height += 1;
      found.push({ left: start, right: x - 1, height });
      start = -1;
    }
  }
  return found;
}

const hist: HistogramResult = {
  column: 'price',
  bins: [0, 10, 20, 30, 40, 50],
  counts: [4, 10, 7, 1, 5],
  missing: 0,
};

describe('renderHistogramPng', () => {
  it('should encode a PNG of the asked size', () => {
    const bytes = renderHistogramPng(hist, { width: 500, height: 300 });
    expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { png } = decode(bytes);
    expect([png.width, png.height]).toEqual([500, 300]);
    const defaults = decode(renderHistogramPng(hist)).png;
    expect([defaults.width, defaults.height]).toEqual([640, 400]);
  });

  it('should draw one bar per bin, left to right, with heights in proportion to the counts', () => {
    const bytes = renderHistogramPng(hist, { barColor, inkColor, width: 600, height: 400 });
    // The row just above the x axis crosses every non-empty bar.
    const { png, isColor } = decode(bytes);
    let baseline = png.height - 1;
    while (baseline > 0 && !isColor(Math.floor(png.width / 2), baseline, barColor)) baseline -= 1;
    const found = bars(bytes, baseline);
    expect(found).toHaveLength(5);
    for (let i = 1; i < found.length; i += 1) {
      expect(found[i]?.left).toBeGreaterThan(found[i - 1]?.right ?? 0);
    }
    const unit = (found[1]?.height ?? 0) / 10;
    found.forEach((bar, i) => {
      expect(Math.abs(bar.height - (hist.counts[i] ?? 0) * unit)).toBeLessThanOrEqual(1);
    });
    expect(found[1]?.height).toBeGreaterThan(100);
  });

  it('should leave an empty bin without a bar', () => {
    const withGap = { ...hist, counts: [4, 0, 7, 1, 5] };
    const bytes = renderHistogramPng(withGap, { barColor });
    const { png, isColor } = decode(bytes);
    let baseline = png.height - 1;
    while (baseline > 0 && !isColor(Math.floor(png.width * 0.6), baseline, barColor)) baseline -= 1;
    expect(bars(bytes, baseline)).toHaveLength(4);
  });

  it('should draw the axes, tick marks and the title in ink', () => {
    const bytes = renderHistogramPng(hist, { barColor, inkColor, title: 'Prices' });
    const { png, isColor } = decode(bytes);
    const inkInRow = (y: number) => {
      let count = 0;
      for (let x = 0; x < png.width; x += 1) if (isColor(x, y, inkColor)) count += 1;
      return count;
    };
    // The x axis: a row that is mostly ink.
    const axisRows = Array.from({ length: png.height }, (_, y) => y).filter(
      (y) => inkInRow(y) > png.width * 0.8,
    );
    expect(axisRows).toHaveLength(1);
    const axis = axisRows[0] ?? 0;
    // Tick marks hang below the axis at the bin edges.
    const tickRow = axis + 2;
    const ticks = Array.from({ length: png.width }, (_, x) => x).filter((x) =>
      isColor(x, tickRow, inkColor),
    );
    expect(ticks.length).toBeGreaterThanOrEqual(hist.bins.length);
    // The title puts ink in the top margin; without a title there is none.
    const titleInk = Array.from({ length: 36 }, (_, y) => inkInRow(y)).reduce((a, b) => a + b, 0);
    expect(titleInk).toBeGreaterThan(50);
    const untitled = decode(renderHistogramPng(hist, { inkColor, title: '' }));
    let untitledInk = 0;
    for (let y = 0; y < 36; y += 1) {
      for (let x = 0; x < untitled.png.width; x += 1)
        if (untitled.isColor(x, y, inkColor)) untitledInk += 1;
    }
    expect(untitledInk).toBe(0);
  });
});
