import { describe, expect, it } from 'vitest';
import { formatTelegramText } from '../src/formatTelegramText.ts';

describe('formatTelegramText', () => {
  it('should escape HTML and set aligned tables in <pre>', () => {
    const text = 'Scores for a<b & c:\n\nterm   coef\n-----  ----\narea    1.5\n\nDone.';
    expect(formatTelegramText(text)).toEqual([
      'Scores for a&lt;b &amp; c:\n\n<pre>term   coef\n-----  ----\narea    1.5</pre>\n\nDone.',
    ]);
  });

  it('should split a long text between paragraphs and lines, keeping each <pre> closed', () => {
    const table = [
      'col  value',
      '---  -----',
      ...Array.from({ length: 30 }, (_, i) => `r${i}   ${i}`),
    ];
    const parts = formatTelegramText(`Intro.\n\n${table.join('\n')}`, 120);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(120);
      expect(part.split('<pre>').length).toBe(part.split('</pre>').length);
    }
    expect(parts.join('\n').replace(/<\/?pre>/g, '')).toContain('r29   29');
  });
});
