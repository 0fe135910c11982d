import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.ts';
import { expiryPolicy, sessionPhase } from '../src/expiry.ts';

const minute = 60_000;

describe('sessionPhase', () => {
  const policy = expiryPolicy(resolveConfig({ sessionTimeoutMinutes: 30, gracePeriodMinutes: 5 }));

  it('should be active before the timeout, in grace for the grace period, then gone', () => {
    const record = { status: 'active' as const, lastActivity: 0 };
    expect(sessionPhase(record, 30 * minute - 1, policy)).toBe('active');
    expect(sessionPhase(record, 30 * minute, policy)).toBe('grace');
    expect(sessionPhase(record, 35 * minute - 1, policy)).toBe('grace');
    expect(sessionPhase(record, 35 * minute, policy)).toBe('gone');
  });

  it('should treat a session marked expired as expired, whatever the time', () => {
    expect(sessionPhase({ status: 'expired', lastActivity: 0 }, 1, policy)).toBe('grace');
  });

  it('should have no grace without recovery', () => {
    const noGrace = expiryPolicy(resolveConfig({ enableWorkflowRecovery: false }));
    expect(noGrace.graceMs).toBe(0);
    expect(sessionPhase({ status: 'active', lastActivity: 0 }, 30 * minute, noGrace)).toBe('gone');
  });
});

describe('expiryPolicy', () => {
  it('should give records a TTL of timeout + grace + one hour', () => {
    expect(expiryPolicy(resolveConfig()).recordTtlMs).toBe((30 + 5 + 60) * minute);
  });
});
