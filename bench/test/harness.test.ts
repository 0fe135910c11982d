import { describe, expect, it } from 'vitest';
import {
  LatencyRecorder,
  percentile,
  repeatRoundRobin,
  runConcurrently,
  summarize,
} from '../src/harness.ts';

describe('percentile', () => {
  it('should pick by nearest rank', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 90)).toBe(9);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
  });

  it('should be NaN for no values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('should give the median, min and max and keep the samples in run order', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, samples: [5, 1, 3] });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });
});

describe('LatencyRecorder', () => {
  it('should read percentiles in microseconds past its first buffer', () => {
    const latencies = new LatencyRecorder();
    for (let i = 3000; i >= 1; i--) latencies.record(BigInt(i * 1000));
    expect(latencies.count).toBe(3000);
    expect(latencies.percentileMicros(50)).toBe(1500);
    expect(latencies.percentileMicros(99)).toBe(2970);
    latencies.record(1_000_000_000n);
    expect(latencies.percentileMicros(100)).toBe(1_000_000);
  });
});

describe('repeatRoundRobin', () => {
  it('should interleave the variants and keep only measured runs', async () => {
    const order: string[] = [];
    let a = 0;
    let b = 0;
    const { results, errors } = await repeatRoundRobin(
      {
        a: async () => {
          order.push('a');
          return a++;
        },
        b: async () => {
          order.push('b');
          return b++;
        },
      },
      { warmup: 1, repetitions: 2 },
    );
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(results).toEqual({ a: [1, 2], b: [1, 2] });
    expect(errors).toEqual({});
  });

  it('should report a variant that throws and go on with the others', async () => {
    let calls = 0;
    const { results, errors } = await repeatRoundRobin(
      {
        broken: async () => {
          calls++;
          throw new Error('store down');
        },
        fine: async () => 7,
      },
      { warmup: 0, repetitions: 3 },
    );
    expect(calls).toBe(1);
    expect(results.broken).toBeUndefined();
    expect(results.fine).toEqual([7, 7, 7]);
    expect(errors.broken).toBe('Error: store down');
  });
});

describe('runConcurrently', () => {
  it('should run every task once with at most the given number in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await runConcurrently(50, 4, async (index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await Promise.resolve();
      seen.push(index);
      inFlight--;
    });
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(most).toBe(4);
  });
});
