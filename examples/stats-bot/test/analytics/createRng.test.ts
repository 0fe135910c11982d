import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/analytics/createRng.ts';

describe('createRng', () => {
  it('should repeat its sequence for a seed and differ between seeds', () => {
    const a = createRng(11);
    const b = createRng(11);
    const c = createRng(12);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
  });

  it('should draw uniform numbers in [0, 1) and integers in [0, n)', () => {
    const rng = createRng(5);
    const draws = Array.from({ length: 10_000 }, () => rng.next());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, x) => s + x, 0) / draws.length).toBeCloseTo(0.5, 1);
    const ints = new Set(Array.from({ length: 1000 }, () => rng.int(6)));
    expect([...ints].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('should draw normal numbers with the asked mean and spread', () => {
    const rng = createRng(9);
    const draws = Array.from({ length: 20_000 }, () => rng.normal(10, 2));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('should shuffle in place into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = createRng(3).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});
