/**
 * One runtime on the Redis at CHATFLOW_STORE_URL serving CHATFLOW_SOAK_SESSIONS sessions
 * at once (ML training, a fast trainer), from many lanes. The warm-up lasts until every
 * session has trained a model once (its record has reached its full size), then for two
 * more steps a session on average, and at least CHATFLOW_SOAK_WARMUP_MS; then it measures
 * the heap (after `global.gc()`, with every
 * lane parked), serves CHATFLOW_SOAK_MS more, and measures again. It reports steps,
 * errors and step latencies after warm-up. Run with `--expose-gc`.
 */
import { createStore } from '@chatflow/adapters';
import { type TrainModelInput, type TrainModelOutput, workflows } from '@chatflow/machines';
import { createRuntime, type SessionKey } from '@chatflow/runtime';
import { pino } from 'pino';
import { fromPromise } from 'xstate';
import { emit } from '../childChannel.ts';
import { createLatencyHistogram } from '../latencyHistogram.ts';
import { createSeededRandom } from '../seededRandom.ts';
import { nextTrainingMove } from '../trainingDriver.ts';

const env = process.env;
const url = env.CHATFLOW_STORE_URL ?? 'memory';
const sessionCount = Number(env.CHATFLOW_SOAK_SESSIONS ?? 10_000);
const measuredMs = Number(env.CHATFLOW_SOAK_MS ?? 40_000);
const warmUpMs = Number(env.CHATFLOW_SOAK_WARMUP_MS ?? 20_000);
const laneCount = Number(env.CHATFLOW_SOAK_LANES ?? 200);
const random = createSeededRandom(Number(env.CHATFLOW_SOAK_SEED ?? 1));
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run the soak worker with --expose-gc');

// One model per session (the same id each time), so a session's record stops growing
// after its first training: the heap then has a steady state to be compared against.
const trainModel = fromPromise<TrainModelOutput, TrainModelInput>(
  ({ input }) =>
    new Promise((resolve) => {
      setTimeout(() => resolve({ modelId: `soak-${input.target}`, metrics: { r2: 1 } }), 5);
    }),
);
const store = createStore(url, { commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 });
const runtime = createRuntime({
  workflows,
  store,
  config: { maxConcurrentSessions: sessionCount },
  logger: pino({ level: 'warn' }, pino.destination(2)),
  actors: { trainModel },
});
const keys: SessionKey[] = Array.from({ length: sessionCount }, (_, i) => ({
  userId: 100_000 + i,
  conversationId: `soak-${i}`,
}));
const trained = new Uint8Array(sessionCount);
const busy = new Uint8Array(sessionCount);
let untrained = sessionCount;
runtime.on('workflow.completed', (event) => {
  const session = Number(event.key.conversationId.slice('soak-'.length));
  if (trained[session] === 0) {
    trained[session] = 1;
    untrained -= 1;
  }
});
const latency = createLatencyHistogram();
let steps = 0;
let errors = 0;
let firstError = '';
let parked = 0;
let paused: Promise<void> | undefined;
let running = true;

async function lane(seed: number, index: number): Promise<void> {
  const walker = createSeededRandom(seed);
  // Until every session has trained once, the lanes take the sessions in turn; then at random.
  let next = index;
  while (running) {
    if (paused !== undefined) {
      parked += 1;
      await paused;
      parked -= 1;
      continue;
    }
    const session = untrained > 0 ? next % sessionCount : walker.int(0, sessionCount - 1);
    next += laneCount;
    // One user types one message at a time: a session another lane is on is skipped.
    if (busy[session] === 1) continue;
    busy[session] = 1;
    const key = keys[session]!;
    try {
      const view = await runtime.getOrCreateSession(key);
      // A session walks straight to its first model, then takes detours too.
      const detours = trained[session] === 1 ? { back: 0.1, cancel: 0.02 } : {};
      const move = nextTrainingMove(view.workflow, walker, detours);
      if (move.kind === 'wait') continue;
      const started = performance.now();
      const result =
        move.kind === 'start'
          ? await runtime.startWorkflow(key, 'ml_training')
          : await runtime.send(key, move.event);
      latency.record(performance.now() - started);
      if (!result.ok) throw new Error(`refused: ${result.code}`);
      steps += 1;
    } catch (error) {
      errors += 1;
      firstError ||= String(error);
    } finally {
      busy[session] = 0;
    }
  }
}

/** Parks every lane, lets training finish, collects garbage and reads the heap. */
async function measureHeap(): Promise<number> {
  let resume!: () => void;
  paused = new Promise((resolve) => {
    resume = resolve;
  });
  while (parked < laneCount) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc!();
  gc!();
  const heap = process.memoryUsage().heapUsed;
  paused = undefined;
  resume();
  return heap;
}

const lanes = Array.from({ length: laneCount }, (_, index) => lane(random.fork(), index));
const started = Date.now();
// Warm-up: every session trains a model once (its record reaches its full size), then
// the sessions wander at random long enough for the mix of their steps (and of live
// actors) to settle.
while (untrained > 0) await new Promise((resolve) => setTimeout(resolve, 250));
const mixedAfter = steps + 2 * sessionCount;
while (steps < mixedAfter || Date.now() - started < warmUpMs) {
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const heapWarm = await measureHeap();
const stepsWarm = steps;
latency.reset();
const warmedAt = Date.now();
emit({ type: 'warm', heap: heapWarm, steps, seconds: (warmedAt - started) / 1000 });
let lastReport = Date.now();
while (Date.now() - warmedAt < measuredMs) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  if (Date.now() - lastReport > 10_000) {
    lastReport = Date.now();
    emit({ type: 'progress', steps, errors, heap: process.memoryUsage().heapUsed });
  }
}
const heapEnd = await measureHeap();
running = false;
await Promise.all(lanes);
const stats = runtime.stats();
emit({
  type: 'done',
  sessions: sessionCount,
  liveSessions: stats.activeSessions,
  steps,
  stepsMeasured: steps - stepsWarm,
  errors,
  firstError,
  heapWarm,
  heapEnd,
  p50Ms: latency.percentile(0.5),
  p99Ms: latency.percentile(0.99),
  maxMs: Math.round(latency.max),
  seconds: (Date.now() - started) / 1000,
});
await runtime.shutdown();
await store.disconnect();
process.exit(0);
