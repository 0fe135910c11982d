/** Options of {@link formatNumber}. */
export interface FormatNumberOptions {
  /**
   * Significant digits kept for numbers below 10^digits; larger numbers are rounded to
   * whole units.
   * @default 4
   */
  digits?: number;
}

/**
 * A number rounded for chat: about four significant digits (`0.8346`, `3.142`), whole
 * units for large values (`469800`), scientific notation for very large or very small
 * ones (`1.23e9`, `4.5e-6`), `—` for a missing value.
 *
 * @example
 * ```ts
 * formatNumber(0.834567); // '0.8346'
 * formatNumber(12345.678); // '12346'
 * formatNumber(null); // '—'
 * ```
 */
export function formatNumber(
  value: number | null | undefined,
  options: FormatNumberOptions = {},
): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const digits = options.digits ?? 4;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  if (magnitude >= 9 || magnitude < -4) {
    const [mantissa = '', exponent = ''] = value.toExponential(Math.max(digits - 2, 0)).split('e');
    return `${stripZeros(mantissa)}e${exponent.replace('+', '')}`;
  }
  const decimals = Math.min(Math.max(digits - 1 - magnitude, 0), 8);
  const text = stripZeros(value.toFixed(decimals));
  return text === '-0' ? '0' : text;
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * A p-value for chat: `< 0.0001` below that, else three significant digits.
 *
 * @example
 * ```ts
 * formatPValue(0.07339); // '0.0734'
 * formatPValue(1e-9); // '< 0.0001'
 * ```
 */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  if (p < 0.0001) return '< 0.0001';
  return formatNumber(p, { digits: 3 });
}

/**
 * A p-value as a clause: `p = 0.0734` or `p < 0.0001`.
 *
 * @example
 * ```ts
 * formatPClause(0.5); // 'p = 0.5'
 * ```
 */
export function formatPClause(p: number | null | undefined): string {
  const text = formatPValue(p);
  return text.startsWith('<') ? `p ${text}` : `p = ${text}`;
}

/**
 * A share as a percentage with one decimal.
 *
 * @example
 * ```ts
 * formatPercent(0.8333); // '83.3%'
 * ```
 */
export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  return `${(share * 100).toFixed(1)}%`;
}
