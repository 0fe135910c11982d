import { describe, expect, it } from 'vitest';
import { splitHoldout } from '../../src/analytics/splitHoldout.ts';

const rows = Array.from({ length: 100 }, (_, i) => i * 2);

describe('splitHoldout', () => {
  it('should hold out a fifth of the rows and keep the rest for training', () => {
    const { train, holdout } = splitHoldout(rows, { seed: 1 });
    expect(holdout).toHaveLength(20);
    expect(train).toHaveLength(80);
    expect([...train, ...holdout].sort((a, b) => a - b)).toEqual(rows);
    expect(train).toEqual([...train].sort((a, b) => a - b));
  });

  it('should give the same split for the same seed and another for another seed', () => {
    expect(splitHoldout(rows, { seed: 7 })).toEqual(splitHoldout(rows, { seed: 7 }));
    expect(splitHoldout(rows, { seed: 7 }).holdout).not.toEqual(
      splitHoldout(rows, { seed: 8 }).holdout,
    );
  });

  it('should not simply hold out the last rows', () => {
    const { holdout } = splitHoldout(rows, { seed: 3 });
    expect(holdout.some((row) => row < 100)).toBe(true);
    expect(holdout.some((row) => row >= 100)).toBe(true);
  });

  it('should keep the proportions of each stratum', () => {
    const strata = rows.map((_, i) => (i < 80 ? 'no' : 'yes'));
    const { holdout } = splitHoldout(rows, { seed: 2, strata, holdoutShare: 0.25 });
    const yes = holdout.filter((row) => row >= 160);
    expect(holdout).toHaveLength(25);
    expect(yes).toHaveLength(5);
  });

  it('should hold out at least one row and leave at least one to train on', () => {
    expect(splitHoldout([4, 5], { seed: 1 })).toMatchObject({
      train: [expect.any(Number)],
      holdout: [expect.any(Number)],
    });
    const tiny = splitHoldout([1, 2, 3], { seed: 1, holdoutShare: 0.01 });
    expect(tiny.holdout).toHaveLength(1);
    const large = splitHoldout([1, 2, 3], { seed: 1, holdoutShare: 0.99 });
    expect(large.train).toHaveLength(1);
  });
});
