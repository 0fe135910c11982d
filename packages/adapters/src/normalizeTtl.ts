/**
 * A write's TTL as whole milliseconds, or `undefined` when the write does not expire.
 * Fractions round up, so a TTL never shortens.
 *
 * @throws RangeError when `ttlMs` is given but is not a positive finite number.
 */
export function normalizeTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`);
  }
  return Math.ceil(ttlMs);
}
