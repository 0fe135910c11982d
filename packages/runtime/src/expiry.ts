import type { RuntimeConfig } from './types.ts';

/** Where a session stands in time. */
export type SessionPhase = 'active' | 'grace' | 'gone';

/** The expiry settings in milliseconds. */
export interface ExpiryPolicy {
  timeoutMs: number;
  /** 0 when recovery is off. */
  graceMs: number;
  /** How long a record lives in the store after its last write. */
  recordTtlMs: number;
  /**
   * How stale the stored last activity of a live session may grow before a call that
   * is only activity (`getOrCreateSession`) writes it: a tenth of the timeout, at most
   * a minute. Steps always write it.
   */
  touchIntervalMs: number;
}

/** The longest a live session's stored last activity lags behind its calls. */
const maxTouchIntervalMs = 60_000;

/** The store keeps a record this long past the end of its grace period. */
const ttlMarginMs = 60 * 60_000;

/**
 * The expiry policy of a config. The store TTL of a record is timeout + grace + one
 * hour, so an abandoned session vanishes with no runtime running, and a runtime still
 * finds it when judging it "gone" (and says `reset: 'expired'`).
 *
 * @example
 * ```ts
 * expiryPolicy(resolveConfig()).timeoutMs; // 1_800_000
 * ```
 */
export function expiryPolicy(config: RuntimeConfig): ExpiryPolicy {
  const timeoutMs = config.sessionTimeoutMinutes * 60_000;
  const graceMs = config.enableWorkflowRecovery ? config.gracePeriodMinutes * 60_000 : 0;
  return {
    timeoutMs,
    graceMs,
    recordTtlMs: Math.ceil(timeoutMs + graceMs + ttlMarginMs),
    touchIntervalMs: Math.min(maxTouchIntervalMs, timeoutMs / 10),
  };
}

/**
 * Judges a session: `active` until `lastActivity + timeout` (unless marked expired),
 * then `grace` until the grace period that starts there is over, then `gone`.
 *
 * @example
 * ```ts
 * sessionPhase({ status: 'active', lastActivity: 0 }, 31 * 60_000, policy); // 'grace'
 * ```
 */
export function sessionPhase(
  record: { status: 'active' | 'expired'; lastActivity: number },
  now: number,
  policy: ExpiryPolicy,
): SessionPhase {
  const expiresAt = record.lastActivity + policy.timeoutMs;
  if (record.status === 'active' && now < expiresAt) return 'active';
  if (now < expiresAt + policy.graceMs) return 'grace';
  return 'gone';
}
