import { describe, expect, it } from 'vitest';
import { formatChoices, formatConsoleReply } from '../src/formatConsoleReply.ts';

const choice = (name: string) => ({ label: name, value: name });

describe('formatChoices', () => {
  it('should number the choices on one line', () => {
    expect(formatChoices([choice('price'), choice('rooms'), choice('area')])).toBe(
      '1) price  2) rooms  3) area',
    );
  });

  it('should wrap a long list of choices', () => {
    const names = Array.from({ length: 20 }, (_, index) => `column_number_${index + 1}`);
    const lines = formatChoices(names.map(choice)).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(96);
    expect(lines.join('  ')).toContain('20) column_number_20');
  });
});

describe('formatConsoleReply', () => {
  it('should show text alone when there is nothing else', () => {
    expect(formatConsoleReply({ text: 'Hello.' })).toBe('Hello.');
  });

  it('should add the hint for picking several choices', () => {
    const text = formatConsoleReply({
      text: 'Which features?',
      choices: [choice('rooms'), choice('area')],
      multiple: true,
    });
    expect(text).toBe(
      'Which features?\n1) rooms  2) area\n(type a number or a name; several with commas, e.g. "1,3"; or "all")',
    );
  });

  it('should say where the picture and the file were saved', () => {
    const text = formatConsoleReply({ text: 'Done.' }, { image: '/tmp/h.png', file: '/tmp/p.csv' });
    expect(text).toBe('Done.\n[picture saved to /tmp/h.png]\n[file saved to /tmp/p.csv]');
  });
});
