/**
 * Drives whole training sessions through one implementation of a persisted step and
 * turns the run into steps per second and step latency percentiles.
 */
import { LatencyRecorder, nowNs, runConcurrently, secondsSince } from '../harness.ts';
import { STEPS_PER_SESSION } from '../workload.ts';

/**
 * Runs one session from start to the trained model. It calls `record` with the
 * latency in nanoseconds of each user step (an event sent until its new state is
 * durable), so the driver can read percentiles.
 */
export type SessionRunner = (index: number, record: (ns: bigint) => void) => Promise<void>;

/** What one run of {@link driveSessions} measured. */
export interface StepRun {
  /** Accepted, persisted steps per second, over all sessions of the run. */
  stepsPerSecond: number;
  p50Micros: number;
  p99Micros: number;
}

/** Options of {@link driveSessions}. */
export interface DriveOptions {
  /** Sessions to run, each {@link STEPS_PER_SESSION} steps. */
  sessions: number;
  /** Sessions in flight at once. */
  concurrency: number;
  runSession: SessionRunner;
}

/**
 * Runs `sessions` sessions with `concurrency` in flight and measures them.
 *
 * @example
 * ```ts
 * const run = await driveSessions({ sessions: 1000, concurrency: 64, runSession });
 * run.stepsPerSecond;
 * ```
 */
export async function driveSessions(options: DriveOptions): Promise<StepRun> {
  const latencies = new LatencyRecorder();
  const record = (ns: bigint): void => latencies.record(ns);
  const start = nowNs();
  await runConcurrently(options.sessions, options.concurrency, (index) =>
    options.runSession(index, record),
  );
  const seconds = secondsSince(start);
  return {
    stepsPerSecond: (options.sessions * STEPS_PER_SESSION) / seconds,
    p50Micros: latencies.percentileMicros(50),
    p99Micros: latencies.percentileMicros(99),
  };
}
