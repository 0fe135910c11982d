/** Percentiles of step latencies, kept in fixed memory whatever the number of samples. */
export interface LatencyHistogram {
  /** Adds one sample, in milliseconds. */
  record(ms: number): void;
  readonly count: number;
  /** The latency under which `fraction` of the samples fall (bucket resolution). */
  percentile(fraction: number): number;
  readonly max: number;
  /** Forgets every sample (e.g. after warm-up). */
  reset(): void;
}

const fine = 0.05; // ms per bucket up to 100 ms
const fineBuckets = 2000;
const coarse = 10; // ms per bucket from 100 ms to 10 s
const coarseBuckets = 990;

/**
 * A histogram of latencies allocated once (0.05 ms buckets up to 100 ms, 10 ms buckets
 * up to 10 s, then one overflow bucket), so measuring does not move the heap a
 * memory test watches.
 *
 * @example
 * ```ts
 * const latency = createLatencyHistogram();
 * latency.record(performance.now() - started);
 * latency.percentile(0.99);
 * ```
 */
export function createLatencyHistogram(): LatencyHistogram {
  const buckets = new Uint32Array(fineBuckets + coarseBuckets + 1);
  let count = 0;
  let max = 0;
  const bucketOf = (ms: number) =>
    ms < fine * fineBuckets
      ? Math.floor(ms / fine)
      : Math.min(fineBuckets + Math.floor((ms - fine * fineBuckets) / coarse), buckets.length - 1);
  const upperBound = (bucket: number) =>
    bucket < fineBuckets
      ? (bucket + 1) * fine
      : fine * fineBuckets + (bucket - fineBuckets + 1) * coarse;
  return {
    record(ms) {
      const value = Math.max(0, ms);
      buckets[bucketOf(value)]! += 1;
      count += 1;
      if (value > max) max = value;
    },
    get count() {
      return count;
    },
    get max() {
      return max;
    },
    percentile(fraction) {
      if (count === 0) return 0;
      const wanted = Math.ceil(fraction * count);
      let seen = 0;
      for (let bucket = 0; bucket < buckets.length; bucket++) {
        seen += buckets[bucket]!;
        if (seen >= wanted) return Math.min(upperBound(bucket), max);
      }
      return max;
    },
    reset() {
      buckets.fill(0);
      count = 0;
      max = 0;
    },
  };
}
