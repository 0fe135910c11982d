import { describe, expect, it } from 'vitest';
import {
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from '../../src/analytics/studentT.ts';

// Reference values from SciPy 1.17 (scipy.stats.t.sf, .cdf and .ppf).
const reference: [t: number, df: number, twoSided: number, cdf: number][] = [
  [2, 10, 0.07338803477074037, 0.9633059826146299],
  [2.228138851986274, 10, 0.05, 0.975],
  [2.5, 7.5, 0.03882025827362553, 0.9805898708631873],
  [0.5, 3.3, 0.6485350763995584, 0.6757324618002207],
  [4, 25.7, 0.00047554962181274287, 0.9997622251890936],
  [-1.3, 4, 0.2634515964712241, 0.13172579823561206],
  [10, 3, 0.0021283990584141503, 0.9989358004707929],
  [1.96, 1e6, 0.04999606758526985, 0.9750019662073651],
];

describe('regularizedIncompleteBeta', () => {
  it('should match closed forms', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_0.5(a, a) = 0.5.
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.7, 3.5, 1)).toBeCloseTo(0.7 ** 3.5, 14);
    expect(regularizedIncompleteBeta(0.5, 4.2, 4.2)).toBeCloseTo(0.5, 14);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(regularizedIncompleteBeta(0.5, -1, 3)).toBeNaN();
  });
});

describe('studentTCdf', () => {
  it('should match reference values, whole and fractional degrees of freedom', () => {
    for (const [t, df, , cdf] of reference) expect(studentTCdf(t, df)).toBeCloseTo(cdf, 10);
  });

  it('should match the closed forms for one and two degrees of freedom', () => {
    for (const t of [-20, -1.5, -0.2, 0, 0.3, 1, 5, 50]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it('should tend to the normal distribution', () => {
    expect(studentTCdf(1.959963984540054, Number.POSITIVE_INFINITY)).toBeCloseTo(0.975, 6);
    expect(studentTCdf(Number.POSITIVE_INFINITY, 3)).toBe(1);
    expect(studentTCdf(0, 3)).toBe(0.5);
  });
});

describe('studentTTwoSidedP', () => {
  it('should match reference values', () => {
    for (const [t, df, p] of reference) expect(studentTTwoSidedP(t, df)).toBeCloseTo(p, 10);
  });

  it('should be 1 at zero and 0 at infinity', () => {
    expect(studentTTwoSidedP(0, 5)).toBe(1);
    expect(studentTTwoSidedP(Number.POSITIVE_INFINITY, 5)).toBe(0);
  });
});

describe('studentTQuantile', () => {
  it('should invert the CDF', () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(studentTQuantile(0.975, 7.5)).toBeCloseTo(2.333039626864974, 9);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966356814107, 8);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228138851986274, 9);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(1, 3)).toBeNaN();
  });
});
