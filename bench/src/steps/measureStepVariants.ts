/**
 * Measures several implementations of a persisted step side by side at one
 * concurrency: steps/s, p50 and p99 step latency of each, repetitions interleaved.
 */
import { repeatRoundRobin } from '../harness.ts';
import type { ScenarioRecorder } from '../ScenarioRecorder.ts';
import type { ScenarioContext, Side } from '../types.ts';
import { driveSessions, type SessionRunner, type StepRun } from './driveSessions.ts';

/** One implementation under measurement. */
export interface StepVariant {
  /** Short id used in measurement ids, e.g. `chatflow`, `bare`, `keyvLoop`. */
  name: string;
  label: string;
  side: Side;
  /** Sessions per run (enough for a run of a fraction of a second or more). */
  sessions: number;
  /**
   * Prepares one run (a fresh store, runtime or bot) outside the timed part; `close`
   * is awaited after the run.
   */
  prepare(run: number): Promise<{ runSession: SessionRunner; close?: () => Promise<void> }>;
}

/**
 * Runs the variants at `concurrency` and records, for each that did not fail,
 * `<name>.stepsPerSecond.c<N>`, `<name>.p50.c<N>` and `<name>.p99.c<N>`. A variant that
 * throws is recorded as unavailable with its error.
 *
 * @example
 * ```ts
 * await measureStepVariants(recorder, context, 64, [bareVariant, keyvVariant, chatflowVariant]);
 * recorder.get('chatflow.stepsPerSecond.c64');
 * ```
 */
export async function measureStepVariants(
  recorder: ScenarioRecorder,
  context: ScenarioContext,
  concurrency: number,
  variants: readonly StepVariant[],
): Promise<void> {
  let run = 0;
  const tasks: Record<string, () => Promise<StepRun>> = {};
  for (const variant of variants) {
    tasks[variant.name] = async () => {
      const prepared = await variant.prepare(run++);
      try {
        return await driveSessions({
          sessions: variant.sessions,
          concurrency,
          runSession: prepared.runSession,
        });
      } finally {
        await prepared.close?.();
      }
    };
  }
  const { results, errors } = await repeatRoundRobin(tasks, {
    warmup: context.warmup,
    repetitions: context.repetitions,
    only: context.variants,
    onRun: (name, repetition) =>
      context.log(
        `   ${name}, ${concurrency} in flight, run ${repetition + 1}/${context.repetitions}`,
      ),
  });
  for (const variant of variants) {
    if (context.variants && !context.variants.includes(variant.name)) continue;
    const runs = results[variant.name];
    const error = errors[variant.name];
    if (error !== undefined || !runs) {
      recorder.unavailable(`${variant.label}, ${concurrency} in flight`, error ?? 'no result');
      continue;
    }
    const base = { side: variant.side, better: 'higher' as const };
    const label = `${variant.label}, ${concurrency} in flight`;
    recorder.measure(
      { ...base, id: `${variant.name}.stepsPerSecond.c${concurrency}`, label, unit: 'steps/s' },
      runs.map((r) => r.stepsPerSecond),
    );
    recorder.measure(
      {
        ...base,
        better: 'lower',
        id: `${variant.name}.p50.c${concurrency}`,
        label: `${label}, p50 step latency`,
        unit: 'µs',
      },
      runs.map((r) => r.p50Micros),
    );
    recorder.measure(
      {
        ...base,
        better: 'lower',
        id: `${variant.name}.p99.c${concurrency}`,
        label: `${label}, p99 step latency`,
        unit: 'µs',
      },
      runs.map((r) => r.p99Micros),
    );
  }
}
