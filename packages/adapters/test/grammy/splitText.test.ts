import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/grammy/splitText.ts';

describe('splitText', () => {
  it('should keep a text that fits as one message and send nothing for an empty one', () => {
    expect(splitText('Hello\n\nthere')).toEqual(['Hello\n\nthere']);
    expect(splitText('  \n ')).toEqual([]);
  });

  it('should split between paragraphs first, then lines, then anywhere', () => {
    const paragraphs = `${'a'.repeat(30)}\n${'b'.repeat(30)}\n\n${'c'.repeat(30)}`;
    expect(splitText(paragraphs, 70)).toEqual([
      `${'a'.repeat(30)}\n${'b'.repeat(30)}`,
      'c'.repeat(30),
    ]);
    expect(splitText(`${'a'.repeat(30)}\n${'b'.repeat(30)}`, 40)).toEqual([
      'a'.repeat(30),
      'b'.repeat(30),
    ]);
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('should keep every message within the limit and lose no characters', () => {
    const text = Array.from(
      { length: 400 },
      (_, i) => `line ${i} ${'w'.repeat(i % 37)}${i % 5 === 0 ? '\n\n' : '\n'}`,
    ).join('');
    const parts = splitText(text, 500);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(500);
    expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });
});
