/**
 * The chatflow side of the step scenarios: a runtime per run, on the runtime's own
 * in-memory store or on `@chatflow/adapters`' Redis store, driving each session with
 * `getOrCreateSession`, `startWorkflow`, four `send`s, and waiting for the runtime's
 * `workflow.completed` event (the trainer finishing is persisted without a message).
 */
import type { Runtime, RuntimeConfigInput, SessionKey } from '@chatflow/runtime';
import { loadChatflow } from '../chatflow.ts';
import { nowNs } from '../harness.ts';
import { BENCH_KEY_PREFIX } from '../redis.ts';
import { type LoadedMachine, trainingEvents } from '../workload.ts';
import type { SessionRunner } from './driveSessions.ts';
import type { StepVariant } from './measureStepVariants.ts';

/** Options of {@link chatflowStepVariant}. */
export interface ChatflowStepVariantOptions {
  name: string;
  label: string;
  sessions: number;
  loaded: LoadedMachine;
  /** `memory` for the runtime's default store, or a `redis://` URL for `createStore`. */
  store: 'memory' | string;
  /** Runtime config merged over the defaults. */
  config?: RuntimeConfigInput;
}

/** How long a session may wait for its trainer before the run is declared broken. */
const completionTimeoutMs = 30_000;

/**
 * Runs one ML training session on `runtime` and resolves when it is complete.
 * `record` receives the latency of each of the four user steps.
 */
export function runtimeSession(
  runtime: Runtime,
  keyOf: (index: number) => SessionKey,
  waitForCompletion: (key: SessionKey) => Promise<void>,
): SessionRunner {
  return async (index, record) => {
    const key = keyOf(index);
    await runtime.getOrCreateSession(key);
    const started = await runtime.startWorkflow(key, 'ml_training');
    if (!started.ok) throw new Error(`startWorkflow refused: ${started.code} ${started.message}`);
    const completion = waitForCompletion(key);
    let done = false;
    for (const event of trainingEvents) {
      const start = nowNs();
      const result = await runtime.send(key, event);
      record(nowNs() - start);
      if (!result.ok) throw new Error(`${event.type} refused: ${result.code} ${result.message}`);
      done = result.done;
    }
    if (!done) await completion;
  };
}

/**
 * Waits for `workflow.completed` per session; returns the waiter and the function that
 * stops listening.
 */
export function completionWaiter(runtime: Runtime): {
  wait: (key: SessionKey) => Promise<void>;
  stop: () => void;
} {
  const waiters = new Map<string, () => void>();
  const id = (key: SessionKey) => `${key.userId}\u0000${key.conversationId}`;
  const stop = runtime.on('workflow.completed', (event) => {
    const resolve = waiters.get(id(event.key));
    if (resolve) {
      waiters.delete(id(event.key));
      resolve();
    }
  });
  const wait = (key: SessionKey) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(id(key));
        reject(
          new Error(`session ${key.userId} did not complete within ${completionTimeoutMs} ms`),
        );
      }, completionTimeoutMs);
      timer.unref();
      waiters.set(id(key), () => {
        clearTimeout(timer);
        resolve();
      });
    });
  return { wait, stop };
}

/**
 * A {@link StepVariant} running chatflow's runtime.
 *
 * @example
 * ```ts
 * chatflowStepVariant({ name: 'chatflow', label: 'chatflow runtime', sessions: 2000, loaded, store: 'memory' });
 * ```
 */
export function chatflowStepVariant(options: ChatflowStepVariantOptions): StepVariant {
  return {
    name: options.name,
    label: options.label,
    side: 'chatflow',
    sessions: options.sessions,
    prepare: async (run) => {
      if (!options.loaded.ok) throw new Error(options.loaded.reason);
      const { runtime: runtimePackage, machines, adapters } = await loadChatflow();
      const store =
        options.store === 'memory'
          ? undefined
          : adapters.createStore(options.store, { namespace: BENCH_KEY_PREFIX });
      const runtime = runtimePackage.createRuntime({
        workflows: machines.workflows,
        ...(store ? { store } : {}),
        actors: options.loaded.actors,
        ...(options.config ? { config: options.config } : {}),
      });
      const completion = completionWaiter(runtime);
      return {
        runSession: runtimeSession(
          runtime,
          (index) => ({ userId: `r${run}u${index}`, conversationId: 'bench' }),
          completion.wait,
        ),
        close: async () => {
          completion.stop();
          await runtime.shutdown();
          if (store) await store[runtimePackage.sessionStoreSymbol].close();
        },
      };
    },
  };
}
