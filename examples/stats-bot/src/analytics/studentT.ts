import { errorFunction, gammaln } from 'simple-statistics';

const epsilon = 1e-15;
const tiny = 1e-300;
const maxIterations = 500;

/**
 * The regularized incomplete beta function I_x(a, b), the CDF of the Beta(a, b)
 * distribution at x. Evaluated with its continued fraction (modified Lentz method) on the
 * side of the mean where it converges fast, using I_x(a, b) = 1 - I_{1-x}(b, a) on the
 * other.
 *
 * @example
 * ```ts
 * regularizedIncompleteBeta(0.5, 2, 2); // 0.5
 * ```
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || a <= 0 || b <= 0) return Number.NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b) - Math.log(a);
  return Math.exp(logFront) * betaContinuedFraction(x, a, b);
}

function logBeta(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}

/**
 * The continued fraction 1 / (1 + d1 / (1 + d2 / (1 + ...))) of the incomplete beta
 * function, with d(2m) = m(b-m)x / ((a+2m-1)(a+2m)) and
 * d(2m+1) = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const guard = (value: number) => (Math.abs(value) < tiny ? tiny : value);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let result = d;
  for (let m = 1; m <= maxIterations; m += 1) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < epsilon) break;
  }
  return result;
}

/**
 * P(T ≤ t) for Student's t distribution with `df` degrees of freedom (any positive real,
 * as the Welch test gives; `Infinity` is the standard normal).
 *
 * @example
 * ```ts
 * studentTCdf(2.228, 10); // ≈ 0.975
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail =
    df === Number.POSITIVE_INFINITY
      ? 0.5 * (1 - errorFunction(Math.abs(t) / Math.SQRT2))
      : 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The two-sided p-value of a t statistic: P(|T| ≥ |t|).
 *
 * @example
 * ```ts
 * studentTTwoSidedP(2, 10); // ≈ 0.0734
 * ```
 */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  if (df === Number.POSITIVE_INFINITY) return 1 - errorFunction(Math.abs(t) / Math.SQRT2);
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * The t value below which a share `p` of Student's t distribution lies (the inverse of
 * {@link studentTCdf}), found by bisection.
 *
 * @example
 * ```ts
 * studentTQuantile(0.975, 10); // ≈ 2.228
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return Number.NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < p && high < 1e12) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, high); i += 1) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, df) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
