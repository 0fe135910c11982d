import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/analytics/formatTable.ts';

describe('formatTable', () => {
  it('should align text left and numbers right under a rule', () => {
    expect(
      formatTable(
        ['column', 'mean'],
        [
          ['price', '312000'],
          ['area', '98.5'],
        ],
      ),
    ).toBe(['column    mean', '------  ------', 'price   312000', 'area      98.5'].join('\n'));
  });

  it('should cut long cells', () => {
    const text = formatTable(['name'], [['a'.repeat(30)]], { maxCellWidth: 10 });
    expect(text.split('\n')[2]).toBe(`${'a'.repeat(9)}…`);
  });

  it('should treat missing values and percentages as numbers for alignment', () => {
    const text = formatTable(
      ['k', 'v'],
      [
        ['a', '—'],
        ['b', '12.5%'],
      ],
    );
    expect(text.split('\n')[2]).toBe('a      —');
  });
});
