import { describe, expect, it } from 'vitest';
import { firstRevision } from '../src/sessionAccess.ts';

describe('firstRevision', () => {
  it('should draw safe integers in [2^20, 2^46), exact in every backend', () => {
    for (let i = 0; i < 10_000; i += 1) {
      const revision = firstRevision();
      expect(Number.isSafeInteger(revision)).toBe(true);
      expect(revision).toBeGreaterThanOrEqual(2 ** 20);
      expect(revision).toBeLessThan(2 ** 46);
      // Lua 5.1 prints numbers with %.14g: below 1e14 they round-trip as integers.
      expect(revision).toBeLessThan(1e14);
    }
  });

  it('should not repeat itself (a revision names one life of a key)', () => {
    const drawn = new Set(Array.from({ length: 10_000 }, () => firstRevision()));
    expect(drawn.size).toBe(10_000);
  });
});
