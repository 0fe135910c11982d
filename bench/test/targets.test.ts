import { describe, expect, it } from 'vitest';
import { measurement } from '../src/harness.ts';
import { ratioTarget, thresholdTarget } from '../src/targets.ts';

const steps = (id: string, samples: number[]) =>
  measurement({ id, label: id, side: 'chatflow', unit: 'steps/s', better: 'higher' }, samples);

describe('ratioTarget', () => {
  it('should divide the medians and compare with the bound', () => {
    const met = ratioTarget({
      id: 't',
      label: 'vs bare',
      chatflow: steps('c', [60, 50, 70]),
      baseline: steps('b', [100, 100, 100]),
      kind: 'atLeast',
      bound: 0.5,
    });
    expect(met.ratio).toBeCloseTo(0.6);
    expect(met.met).toBe(true);
    expect(met.target).toBe('>= 0.5x');
    const missed = ratioTarget({
      id: 't',
      label: 'heap',
      chatflow: steps('c', [200]),
      baseline: steps('b', [100]),
      kind: 'atMost',
      bound: 1.25,
    });
    expect(missed.ratio).toBe(2);
    expect(missed.met).toBe(false);
  });

  it('should not pass when a side was not measured', () => {
    const target = ratioTarget({
      id: 't',
      label: 'vs bare',
      chatflow: undefined,
      baseline: steps('b', [100]),
      kind: 'atLeast',
      bound: 0.5,
      unavailableReason: 'runtime missing',
    });
    expect(target.met).toBeNull();
    expect(target.ratio).toBeNull();
    expect(target.reason).toBe('chatflow side not measured: runtime missing');
  });
});

describe('thresholdTarget', () => {
  it('should compare the median with the threshold', () => {
    const p99 = measurement(
      { id: 'p99', label: 'p99', side: 'chatflow', unit: 'µs', better: 'lower' },
      [40, 45, 90],
    );
    const target = thresholdTarget({
      id: 'p',
      label: 'p99',
      chatflow: p99,
      kind: 'below',
      threshold: 50,
      unit: 'µs',
    });
    expect(target.met).toBe(true);
    expect(target.target).toBe('< 50 µs');
    expect(
      thresholdTarget({
        id: 'p',
        label: 'p99',
        chatflow: p99,
        kind: 'below',
        threshold: 45,
        unit: 'µs',
      }).met,
    ).toBe(false);
  });
});
