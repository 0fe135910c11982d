/**
 * Scenario 2: persisted steps on a real Redis. chatflow's runtime on
 * `createStore('redis://...')` against the hand-written Keyv loop on `@keyv/redis` and
 * the raw client doing the least a durable step needs (one `SET` per step), 1 and 64
 * sessions in flight.
 */
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { BENCH_KEY_PREFIX, connectRedis, deleteKeys } from '../redis.ts';
import { ScenarioRecorder } from '../ScenarioRecorder.ts';
import { chatflowStepVariant } from '../steps/chatflowStepVariant.ts';
import { keyvLoopSession } from '../steps/keyvLoopSession.ts';
import { measureStepVariants } from '../steps/measureStepVariants.ts';
import { rawRedisSession } from '../steps/rawRedisSession.ts';
import { ratioTarget } from '../targets.ts';
import type { Scenario } from '../types.ts';
import { loadTrainingMachine } from '../workload.ts';

/** @see the file comment. */
export const redisStepsScenario: Scenario = {
  id: 'redis-steps',
  title: 'Persisted steps, Redis',
  async run(context) {
    const recorder = new ScenarioRecorder(this.id, this.title);
    if (context.redisUnavailable) {
      recorder.unavailable('every variant', context.redisUnavailable);
      return recorder.result();
    }
    const loaded = await loadTrainingMachine();
    if (!loaded.ok) {
      recorder.unavailable('every variant (they all run the ML training machine)', loaded.reason);
      return recorder.result();
    }
    const { machine } = loaded;
    const redis = connectRedis(context.redisUrl);
    const keyvStore = new KeyvRedis(context.redisUrl, { throwOnErrors: true });
    const keyv = new Keyv({ store: keyvStore, namespace: `${BENCH_KEY_PREFIX}_keyv` });
    recorder.parameters.redisUrl = context.redisUrl;
    recorder.note(
      'raw: a live actor in memory and one SET of its JSON snapshot per step (no read, no revision check): the floor of a durable step. Keyv loop: get, rehydrate, send, set per step through @keyv/redis.',
    );
    try {
      for (const concurrency of [1, 64]) {
        const sessions = context.quick ? 20 : concurrency === 1 ? 200 : 600;
        recorder.parameters[`sessionsPerRun.c${concurrency}`] = sessions;
        await measureStepVariants(recorder, context, concurrency, [
          {
            name: 'raw',
            label: 'raw Redis client, one SET per step',
            side: 'baseline',
            sessions,
            prepare: async (run) => ({
              runSession: rawRedisSession(machine, redis, `${BENCH_KEY_PREFIX}:raw:${run}:`),
            }),
          },
          {
            name: 'keyvLoop',
            label: 'hand-written Keyv loop (@keyv/redis)',
            side: 'baseline',
            sessions,
            prepare: async (run) => ({ runSession: keyvLoopSession(machine, keyv, `${run}:`) }),
          },
          chatflowStepVariant({
            name: 'chatflow',
            label: 'chatflow runtime, Redis store',
            sessions,
            loaded,
            store: context.redisUrl,
          }),
        ]);
        await deleteKeys(redis, `*${BENCH_KEY_PREFIX}*`);
      }
    } finally {
      await deleteKeys(redis, `*${BENCH_KEY_PREFIX}*`);
      await keyv.disconnect();
      redis.disconnect();
    }

    const reason = (c: number) =>
      recorder.reasonFor(`chatflow runtime, Redis store, ${c} in flight`);
    recorder.target(
      ratioTarget({
        id: 'redis.c1.vsRaw',
        label: '1 in flight, steps/s vs raw one-SET-per-step',
        chatflow: recorder.get('chatflow.stepsPerSecond.c1'),
        baseline: recorder.get('raw.stepsPerSecond.c1'),
        kind: 'atLeast',
        bound: 0.9,
        unavailableReason: reason(1),
      }),
    );
    recorder.target(
      ratioTarget({
        id: 'redis.c64.vsKeyvLoop',
        label: '64 in flight, steps/s vs hand-written Keyv loop',
        chatflow: recorder.get('chatflow.stepsPerSecond.c64'),
        baseline: recorder.get('keyvLoop.stepsPerSecond.c64'),
        kind: 'atLeast',
        bound: 3,
        unavailableReason: reason(64),
      }),
    );
    recorder.target(
      ratioTarget({
        id: 'redis.c64.vsRaw',
        label: '64 in flight, steps/s vs raw one-SET-per-step',
        chatflow: recorder.get('chatflow.stepsPerSecond.c64'),
        baseline: recorder.get('raw.stepsPerSecond.c64'),
        kind: 'atLeast',
        bound: 0.5,
        unavailableReason: reason(64),
      }),
    );
    return recorder.result();
  },
};
