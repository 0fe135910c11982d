/**
 * The measuring toolbox every scenario uses: repetitions after a warm-up (round-robin
 * across the variants so machine noise falls on all of them alike), medians with their
 * spread, latency percentiles, bounded concurrency and heap readings after a full GC.
 */
import type { Better, Measurement, Side, Stat } from './types.ts';

/** Nanoseconds from a monotonic clock. */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** Seconds elapsed since `startNs`. */
export function secondsSince(startNs: bigint): number {
  return Number(nowNs() - startNs) / 1e9;
}

/**
 * The `p`-th percentile (0..100) of values sorted in ascending order, by the
 * nearest-rank method.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] as number;
}

/** Median, min, max of a set of samples (kept in their original order). */
export function summarize(samples: readonly number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length === 0
      ? Number.NaN
      : sorted.length % 2 === 1
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    median,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    samples: [...samples],
  };
}

/** Builds a {@link Measurement} from the per-repetition samples of one figure. */
export function measurement(
  fields: { id: string; label: string; side: Side; unit: string; better: Better },
  samples: readonly number[],
): Measurement {
  return { ...fields, ...summarize(samples) };
}

/**
 * Collects latencies of one run (in nanoseconds) and reads percentiles from them.
 *
 * @example
 * ```ts
 * const latencies = new LatencyRecorder();
 * const start = nowNs();
 * await step();
 * latencies.record(nowNs() - start);
 * latencies.percentileMicros(99);
 * ```
 */
export class LatencyRecorder {
  #values = new Float64Array(1024);
  #length = 0;
  #sorted = true;

  /** Records one latency in nanoseconds. */
  record(ns: bigint | number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = Number(ns);
    this.#sorted = false;
  }

  /** How many latencies were recorded. */
  get count(): number {
    return this.#length;
  }

  /** The `p`-th percentile in microseconds. */
  percentileMicros(p: number): number {
    const view = this.#values.subarray(0, this.#length);
    if (!this.#sorted) {
      view.sort();
      this.#sorted = true;
    }
    return percentile(view, p) / 1000;
  }
}

/** Options of {@link repeatRoundRobin}. */
export interface RepeatOptions {
  /** Unmeasured runs of each variant before the measured ones. */
  warmup: number;
  /** Measured runs of each variant. */
  repetitions: number;
  /** Names of the only variants to run (all when absent), e.g. to profile one of them. */
  only?: readonly string[] | undefined;
  /** Called before each measured run, e.g. to log progress. */
  onRun?: (variant: string, repetition: number) => void;
}

/** What {@link repeatRoundRobin} returns. */
export interface RepeatResult<K extends string, T> {
  /** The measured results of each variant that never threw, in run order. */
  results: Partial<Record<K, T[]>>;
  /** The message of the first error of each variant that threw (it is then dropped). */
  errors: Partial<Record<K, string>>;
}

/**
 * Runs every variant `warmup` times, then `repetitions` times, interleaved (A, B, C,
 * A, B, C, ...) so that noise from other processes falls on every variant alike. A
 * full GC (when `--expose-gc` is on) precedes each run so one variant's garbage is not
 * collected on another's time. A variant that throws is reported in `errors` and not
 * run again; the others go on.
 *
 * @example
 * ```ts
 * const { results } = await repeatRoundRobin(
 *   { bare: () => runBare(), chatflow: () => runChatflow() },
 *   { warmup: 1, repetitions: 5 },
 * );
 * ```
 */
export async function repeatRoundRobin<K extends string, T>(
  variants: Record<K, () => Promise<T>>,
  options: RepeatOptions,
): Promise<RepeatResult<K, T>> {
  const names = (Object.keys(variants) as K[]).filter(
    (name) => !options.only || options.only.includes(name),
  );
  const results: Partial<Record<K, T[]>> = {};
  const errors: Partial<Record<K, string>> = {};
  const total = options.warmup + options.repetitions;
  for (let round = 0; round < total; round++) {
    const measured = round >= options.warmup;
    for (const name of names) {
      if (errors[name] !== undefined) continue;
      collectGarbage();
      if (measured) options.onRun?.(name, round - options.warmup);
      try {
        const value = await variants[name]();
        if (measured) {
          const list = results[name] ?? [];
          list.push(value);
          results[name] = list;
        }
      } catch (error) {
        errors[name] = errorMessage(error);
        delete results[name];
      }
    }
  }
  return { results, errors };
}

/**
 * Runs `task(0) .. task(total - 1)` with at most `concurrency` of them in flight.
 *
 * @example
 * ```ts
 * await runConcurrently(1000, 64, (i) => runSession(`user-${i}`));
 * ```
 */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      await task(index);
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(concurrency, total); i++) workers.push(worker());
  await Promise.all(workers);
}

/** Runs a full garbage collection when the process was started with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** True when {@link collectGarbage} can force a collection. */
export function canCollectGarbage(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

/**
 * `process.memoryUsage().heapUsed` after a one-second pause and a full collection. A
 * run that just finished can still hold memory for a moment (a runtime just shut down
 * kept about 18 MB of a 10k-session population alive for under a second); measured at
 * once, its release fell inside the next run's figure and took a third off a bare
 * actor's heap per session. The pause lets it go first.
 */
export async function heapUsedAfterGc(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** The message of anything thrown, on one line and bounded in length. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 400);
}
