import { describe, expect, it } from 'vitest';
import {
  drawText,
  glyph,
  glyphHeight,
  glyphWidth,
  textWidth,
} from '../../src/analytics/bitmapFont.ts';

describe('bitmapFont', () => {
  it('should give every glyph 7 rows of 5 pixels', () => {
    for (const char of "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,-+:()/%_=?' ") {
      const rows = glyph(char);
      expect(rows).toHaveLength(glyphHeight);
      for (const row of rows) expect(row).toHaveLength(glyphWidth);
    }
  });

  it('should draw lower case as upper case and unknown characters as a question mark', () => {
    expect(glyph('a')).toEqual(glyph('A'));
    expect(glyph('€')).toEqual(glyph('?'));
    expect(glyph('—')).toEqual(glyph('-'));
    expect(glyph(' ').flat().some(Boolean)).toBe(false);
    expect(glyph('1')).not.toEqual(glyph('7'));
  });

  it('should plot the ink of each glyph at its place and scale', () => {
    const points = new Set<string>();
    drawText('-1', 10, 20, 2, (x, y) => points.add(`${x},${y}`));
    // The dash is row 3 of the first glyph: 5 pixels wide, scaled to 10×2.
    for (let x = 10; x < 20; x += 1) expect(points.has(`${x},26`)).toBe(true);
    expect(points.has('10,20')).toBe(false);
    // Nothing beyond the text's width.
    const maxX = Math.max(...[...points].map((p) => Number(p.split(',')[0])));
    expect(maxX).toBeLessThan(10 + textWidth('-1', 2));
    expect(textWidth('-1', 2)).toBe(22);
    expect(textWidth('')).toBe(0);
  });
});
