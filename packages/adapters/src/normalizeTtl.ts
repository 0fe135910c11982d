/**
 * A write's TTL as whole milliseconds, or `undefined` when the write does not expire.
 * As in the runtime's own stores, only a positive finite `ttlMs` sets a TTL; `undefined`,
 * zero, a negative number or `Infinity` mean no expiry. Fractions round up, so a TTL
 * never shortens.
 */
export function normalizeTtl(ttlMs: number | undefined): number | undefined {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) return undefined;
  return Math.ceil(ttlMs);
}
