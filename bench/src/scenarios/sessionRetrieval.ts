/**
 * Scenario 4: session retrieval latency (p50/p95/p99) of `getOrCreateSession`, the
 * call a bot makes for every message: a live hit (the actor is in the registry), a
 * cold rehydrate from the in-memory store and a cold rehydrate from Redis (the
 * registry holds far fewer sessions than are visited, so every visit misses).
 */
import type { Runtime } from '@chatflow/runtime';
import { loadChatflow } from '../chatflow.ts';
import {
  errorMessage,
  LatencyRecorder,
  nowNs,
  repeatRoundRobin,
  runConcurrently,
} from '../harness.ts';
import { BENCH_KEY_PREFIX, connectRedis, deleteKeys } from '../redis.ts';
import { ScenarioRecorder } from '../ScenarioRecorder.ts';
import type { Scenario } from '../types.ts';
import { loadTrainingMachine, trainingEvents } from '../workload.ts';

interface RetrievalRun {
  p50: number;
  p95: number;
  p99: number;
}

/** @see the file comment. */
export const sessionRetrievalScenario: Scenario = {
  id: 'session-retrieval',
  title: 'Session retrieval',
  async run(context) {
    const recorder = new ScenarioRecorder(this.id, this.title);
    const sessions = context.quick ? 50 : 600;
    const coldRegistry = 10;
    recorder.parameters.sessions = sessions;
    recorder.parameters.coldMaxConcurrentSessions = coldRegistry;
    recorder.note(
      `Each run creates ${sessions} sessions in selecting_features, then calls getOrCreateSession once per session, in creation order. Cold runs keep at most ${coldRegistry} sessions live, so every call rehydrates from the store.`,
    );
    let modules: Awaited<ReturnType<typeof loadChatflow>>;
    const loaded = await loadTrainingMachine();
    try {
      modules = await loadChatflow();
      if (!loaded.ok) throw new Error(loaded.reason);
    } catch (error) {
      recorder.unavailable('every figure', errorMessage(error));
      return recorder.result();
    }
    const { runtime: runtimePackage, machines, adapters } = modules;
    const actors = loaded.ok ? loaded.actors : {};

    let run = 0;
    const measure = (kind: 'live' | 'memory' | 'redis') => async (): Promise<RetrievalRun> => {
      const store =
        kind === 'redis'
          ? adapters.createStore(context.redisUrl, { namespace: BENCH_KEY_PREFIX })
          : undefined;
      const runtime: Runtime = runtimePackage.createRuntime({
        workflows: machines.workflows,
        actors,
        ...(store ? { store } : {}),
        config: { maxConcurrentSessions: kind === 'live' ? sessions + 1 : coldRegistry },
      });
      const prefix = `${kind}${run++}u`;
      try {
        await runConcurrently(sessions, 16, async (index) => {
          const key = { userId: `${prefix}${index}`, conversationId: 'bench' };
          await runtime.getOrCreateSession(key);
          await runtime.startWorkflow(key, 'ml_training');
          for (const event of trainingEvents.slice(0, 2)) await runtime.send(key, event);
        });
        const latencies = new LatencyRecorder();
        for (let index = 0; index < sessions; index++) {
          const key = { userId: `${prefix}${index}`, conversationId: 'bench' };
          const start = nowNs();
          const view = await runtime.getOrCreateSession(key);
          latencies.record(nowNs() - start);
          if (view.workflow?.state !== 'selecting_features') {
            throw new Error(`session ${index} came back in ${view.workflow?.state}`);
          }
        }
        return {
          p50: latencies.percentileMicros(50),
          p95: latencies.percentileMicros(95),
          p99: latencies.percentileMicros(99),
        };
      } finally {
        await runtime.shutdown();
        if (store) await store[runtimePackage.sessionStoreSymbol].close();
      }
    };

    const variants: Record<string, () => Promise<RetrievalRun>> = {
      live: measure('live'),
      memory: measure('memory'),
    };
    if (context.redisUnavailable)
      recorder.unavailable('cold rehydrate from Redis', context.redisUnavailable);
    else variants.redis = measure('redis');

    const labels: Record<string, string> = {
      live: 'live hit (session in the registry)',
      memory: 'cold rehydrate, in-memory store',
      redis: 'cold rehydrate, Redis store',
    };
    try {
      const { results, errors } = await repeatRoundRobin(variants, {
        warmup: context.warmup,
        repetitions: context.repetitions,
        only: context.variants,
        onRun: (name, repetition) =>
          context.log(`   ${name}, run ${repetition + 1}/${context.repetitions}`),
      });
      for (const name of Object.keys(variants)) {
        const runs = results[name];
        const label = labels[name] as string;
        if (!runs) {
          recorder.unavailable(label, errors[name] ?? 'no result');
          continue;
        }
        for (const p of ['p50', 'p95', 'p99'] as const) {
          recorder.measure(
            {
              id: `${name}.${p}`,
              label: `${label}, ${p}`,
              side: 'chatflow',
              unit: 'µs',
              better: 'lower',
            },
            runs.map((r) => r[p]),
          );
        }
      }
    } finally {
      if (!context.redisUnavailable) {
        const redis = connectRedis(context.redisUrl);
        await deleteKeys(redis, `*${BENCH_KEY_PREFIX}*`);
        redis.disconnect();
      }
    }
    return recorder.result();
  },
};
