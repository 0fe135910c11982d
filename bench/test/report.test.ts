import { describe, expect, it } from 'vitest';
import { measurement } from '../src/harness.ts';
import { formatNumber, measurementsTable, summaryTable, targetsTable } from '../src/report.ts';
import { ratioTarget } from '../src/targets.ts';
import type { ScenarioResult } from '../src/types.ts';

const chatflow = measurement(
  {
    id: 'c',
    label: 'chatflow runtime, 1 in flight',
    side: 'chatflow',
    unit: 'steps/s',
    better: 'higher',
  },
  [900, 1100, 1000],
);
const bare = measurement(
  {
    id: 'b',
    label: 'bare XState actor, no persistence, 1 in flight',
    side: 'baseline',
    unit: 'steps/s',
    better: 'higher',
  },
  [4000],
);
const scenario: ScenarioResult = {
  id: 'steps',
  title: 'Persisted steps',
  status: 'partial',
  durationMs: 10,
  parameters: {},
  measurements: [chatflow, bare],
  targets: [
    ratioTarget({
      id: 't1',
      label: 'vs bare',
      chatflow,
      baseline: bare,
      kind: 'atLeast',
      bound: 0.5,
    }),
    ratioTarget({
      id: 't2',
      label: 'vs loop',
      chatflow,
      baseline: undefined,
      kind: 'atLeast',
      bound: 2,
    }),
  ],
  unavailable: [{ what: 'Keyv loop', reason: 'Keyv refused' }],
  notes: [],
};

describe('formatNumber', () => {
  it('should round to what reads well beside a unit', () => {
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(123.4)).toBe('123');
    expect(formatNumber(12.34)).toBe('12.3');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(0.01234)).toBe('0.0123');
  });
});

describe('targetsTable', () => {
  it('should give each target its figures, ratio and verdict', () => {
    const text = targetsTable([scenario]);
    expect(text).toContain(
      '| Persisted steps | vs bare | 1,000 steps/s | 4,000 steps/s (bare XState actor, no persistence, 1 in flight) | 0.25x | >= 0.5x | **no** |',
    );
    expect(text).toContain('n/a: baseline not measured');
  });
});

describe('summaryTable', () => {
  it('should name baselines by their short label', () => {
    const text = summaryTable([scenario]);
    expect(text).toContain(
      '| Persisted steps: vs bare | 1,000 steps/s | 4,000 steps/s bare XState actor | 0.25x | >= 0.5x | **no** |',
    );
    expect(text).toContain('| Persisted steps: vs loop | 1,000 steps/s | — | — | >= 2x | n/a |');
  });
});

describe('measurementsTable', () => {
  it('should list every figure with its spread, and what was not measured', () => {
    const text = measurementsTable([scenario]);
    expect(text).toContain(
      '| Persisted steps | chatflow runtime, 1 in flight | chatflow | 1,000 | 900–1,100 | steps/s | 3 |',
    );
    expect(text).toContain(
      '| Persisted steps | Keyv loop | — | not available | Keyv refused |  | 0 |',
    );
  });
});
