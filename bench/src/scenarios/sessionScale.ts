/**
 * Scenario 5: scale. Heap bytes per live session at 10k and 100k live sessions (1k and
 * 5k in quick mode) against a bare XState actor in the same state, both measured as
 * `heapUsed` after a full GC before and after; and one `cleanupExpired()` cycle over
 * the live sessions, 10% of them idle past the timeout on an injected clock.
 *
 * The cycle is timed twice on each population, as a bot never runs it and as the heap
 * figure leaves the process. First once the collector is done: a pause after the heap
 * figure's forced full GC, which V8 follows with concurrent sweeping of the compacted
 * heap (no GC runs during the cycle, `--trace-gc`, but a cycle started at once waits for
 * that sweeping in its allocations and took 3x as long). Then, with another 10% idle, a
 * second cycle started right after a forced full GC, so the cost of that is a figure,
 * not a footnote.
 */
import { createActor } from 'xstate';
import { loadChatflow } from '../chatflow.ts';
import {
  canCollectGarbage,
  errorMessage,
  heapUsedAfterGc,
  nowNs,
  repeatRoundRobin,
  runConcurrently,
  secondsSince,
} from '../harness.ts';
import { ScenarioRecorder } from '../ScenarioRecorder.ts';
import { ratioTarget, thresholdTarget } from '../targets.ts';
import type { Scenario } from '../types.ts';
import { type LoadedMachine, loadTrainingMachine, trainingEvents } from '../workload.ts';

/** The first two events: every session ends up in `selecting_features`. */
const events = trainingEvents.slice(0, 2);

const minute = 60_000;

/** How long the collector gets to finish sweeping after a forced full GC. */
const settleMs = 1000;

/** One timed `cleanupExpired()` cycle. */
interface CleanupCycle {
  ms: number;
  expired: number;
  scanned: number;
}

interface ChatflowPopulation {
  heapPerSession: number;
  /** Over every live session, 10% idle, once the collector finished its work. */
  settled: CleanupCycle;
  /** Over the 90% left, another 10% of the population idle, right after a forced full GC. */
  afterGc: CleanupCycle;
}

async function bareActors(
  loaded: Extract<LoadedMachine, { ok: true }>,
  count: number,
): Promise<number> {
  const before = await heapUsedAfterGc();
  const actors = new Array(count);
  for (let i = 0; i < count; i++) {
    const actor = createActor(loaded.machine);
    actor.start();
    for (const event of events) actor.send(structuredClone(event));
    actors[i] = actor;
  }
  const after = await heapUsedAfterGc();
  if (actors[count - 1].getSnapshot().value !== 'selecting_features') {
    throw new Error(`bare actor in ${JSON.stringify(actors[count - 1].getSnapshot().value)}`);
  }
  for (const actor of actors) actor.stop();
  return (after - before) / count;
}

async function chatflowSessions(
  loaded: Extract<LoadedMachine, { ok: true }>,
  count: number,
  run: number,
): Promise<ChatflowPopulation> {
  const { runtime: runtimePackage, machines } = await loadChatflow();
  const start = Date.UTC(2030, 0, 1);
  let clock = start;
  const before = await heapUsedAfterGc();
  const runtime = runtimePackage.createRuntime({
    workflows: machines.workflows,
    actors: loaded.actors,
    now: () => clock,
    // A grace period longer than the scenario: both cycles evict, neither deletes.
    config: { maxConcurrentSessions: count + 1, sessionTimeoutMinutes: 30, gracePeriodMinutes: 60 },
  });
  const idle = Math.round(count / 10);
  const create = async (index: number) => {
    const key = { userId: `s${run}u${index}`, conversationId: 'bench' };
    await runtime.getOrCreateSession(key);
    const started = await runtime.startWorkflow(key, 'ml_training');
    if (!started.ok) throw new Error(`startWorkflow: ${started.message}`);
    for (const event of events) {
      const result = await runtime.send(key, structuredClone(event));
      if (!result.ok) throw new Error(`${event.type}: ${result.message}`);
    }
  };
  const cycle = async (): Promise<CleanupCycle> => {
    const cycleStart = nowNs();
    const cleanup = await runtime.cleanupExpired();
    return {
      ms: secondsSince(cycleStart) * 1000,
      expired: cleanup.expired + cleanup.deleted,
      scanned: cleanup.scanned,
    };
  };
  try {
    // 10% last active at the start, 10% five minutes later, the others 20 minutes later.
    await runConcurrently(idle, 64, create);
    clock = start + 5 * minute;
    await runConcurrently(idle, 64, (i) => create(idle + i));
    clock = start + 20 * minute;
    await runConcurrently(count - 2 * idle, 64, (i) => create(2 * idle + i));
    const after = await heapUsedAfterGc();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    // 31 minutes after the start: the first 10% are idle past the 30-minute timeout.
    clock = start + 31 * minute;
    const settled = await cycle();
    // 36 minutes: the second 10% are; this cycle starts right after a full GC.
    clock = start + 36 * minute;
    await heapUsedAfterGc();
    const afterGc = await cycle();
    return { heapPerSession: (after - before) / count, settled, afterGc };
  } finally {
    await runtime.shutdown();
  }
}

/** @see the file comment. */
export const sessionScaleScenario: Scenario = {
  id: 'session-scale',
  title: 'Scale: heap per live session, cleanup',
  async run(context) {
    const recorder = new ScenarioRecorder(this.id, this.title);
    if (!canCollectGarbage()) {
      recorder.unavailable('every figure', 'needs node --expose-gc');
      return recorder.result();
    }
    const loaded = await loadTrainingMachine();
    if (!loaded.ok) {
      recorder.unavailable('every variant (they all run the ML training machine)', loaded.reason);
      return recorder.result();
    }
    const sizes = context.quick ? [1000, 5000] : [10_000, 100_000];
    recorder.parameters.sizes = sizes.join(',');
    recorder.note(
      'Each heap figure is an average over the whole population; populations are built as many times as every other figure is measured, after a warm-up at the smaller size that also warms the larger (the cleanup cycle is timed twice per population: once after a pause that lets the collector finish sweeping, the figure the target judges, and once right after a forced full GC, over another 10% idle).',
    );
    recorder.note(
      'Sessions are in selecting_features (data uploaded, target chosen). The chatflow figure is everything the runtime keeps per session in the process: the live actor, the registry and session record, and the in-memory store holding its persisted snapshot.',
    );
    const chatflowLabel = 'chatflow runtime, in-memory store';
    let chatflowReason: string | undefined;
    try {
      await loadChatflow();
    } catch (error) {
      chatflowReason = errorMessage(error);
    }

    for (const [sizeIndex, size] of sizes.entries()) {
      let run = 0;
      const variants: Record<string, () => Promise<ChatflowPopulation | number>> = {
        bare: () => bareActors(loaded, size),
      };
      if (!chatflowReason) variants.chatflow = () => chatflowSessions(loaded, size, run++);
      // The runs at the smaller size are the warm-up of those at the larger.
      const repetitions = context.repetitions;
      const { results, errors } = await repeatRoundRobin(variants, {
        warmup: sizeIndex === 0 ? context.warmup : 0,
        repetitions,
        only: context.variants,
        onRun: (name, repetition) =>
          context.log(`   ${name}, ${size} sessions, run ${repetition + 1}/${repetitions}`),
      });
      const bare = results.bare as number[] | undefined;
      if (bare) {
        recorder.measure(
          {
            id: `bare.heapPerSession.n${size}`,
            label: `bare XState actor, ${size} live`,
            side: 'baseline',
            unit: 'bytes',
            better: 'lower',
          },
          bare,
        );
      } else recorder.unavailable(`bare XState actor, ${size} live`, errors.bare ?? 'no result');
      const chatflow = results.chatflow as ChatflowPopulation[] | undefined;
      if (chatflow) {
        recorder.measure(
          {
            id: `chatflow.heapPerSession.n${size}`,
            label: `${chatflowLabel}, ${size} live`,
            side: 'chatflow',
            unit: 'bytes',
            better: 'lower',
          },
          chatflow.map((p) => p.heapPerSession),
        );
        recorder.measure(
          {
            id: `chatflow.cleanupMs.n${size}`,
            label: `cleanupExpired() over ${size} live, 10% idle`,
            side: 'chatflow',
            unit: 'ms',
            better: 'lower',
          },
          chatflow.map((p) => p.settled.ms),
        );
        recorder.measure(
          {
            id: `chatflow.cleanupAfterGcMs.n${size}`,
            label: `cleanupExpired() over ${size - Math.round(size / 10)} live, ${Math.round(size / 10)} idle, started right after a forced full GC`,
            side: 'chatflow',
            unit: 'ms',
            better: 'lower',
          },
          chatflow.map((p) => p.afterGc.ms),
        );
        const expected = Math.round(size / 10);
        for (const population of chatflow) {
          for (const [name, timed] of Object.entries({
            settled: population.settled,
            afterGc: population.afterGc,
          })) {
            if (timed.expired !== expected) {
              recorder.note(
                `cleanupExpired() (${name}) over ${size} sessions expired ${timed.expired} (scanned ${timed.scanned}), expected ${expected}.`,
              );
            }
          }
        }
      } else {
        recorder.unavailable(
          `${chatflowLabel}, ${size} live`,
          errors.chatflow ?? chatflowReason ?? 'no result',
        );
      }
    }

    const large = sizes[1] as number;
    for (const size of sizes) {
      recorder.target(
        ratioTarget({
          id: `scale.heap.n${size}`,
          label: `heap per live session at ${size} vs bare actor`,
          chatflow: recorder.get(`chatflow.heapPerSession.n${size}`),
          baseline: recorder.get(`bare.heapPerSession.n${size}`),
          kind: 'atMost',
          bound: 1.25,
          unavailableReason: recorder.reasonFor(`${chatflowLabel}, ${size} live`),
        }),
      );
    }
    recorder.target(
      thresholdTarget({
        id: `scale.cleanup.n${large}`,
        label: `one cleanupExpired() cycle over ${large} live sessions, 10% idle`,
        chatflow: recorder.get(`chatflow.cleanupMs.n${large}`),
        kind: 'below',
        threshold: 50,
        unit: 'ms',
        unavailableReason: recorder.reasonFor(`${chatflowLabel}, ${large} live`),
      }),
    );
    return recorder.result();
  },
};
