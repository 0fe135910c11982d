/**
 * The floor of a durable step on Redis: a live actor in memory and one `SET` round
 * trip of its serialized snapshot per step, nothing read back, no revision check.
 */
import type { Redis } from 'ioredis';
import { type AnyStateMachine, createActor, waitFor } from 'xstate';
import { nowNs } from '../harness.ts';
import { trainingEvents } from '../workload.ts';
import type { SessionRunner } from './driveSessions.ts';

/**
 * A session runner that writes each new snapshot with one `SET`. Keys are
 * `${prefix}${index}`.
 *
 * @example
 * ```ts
 * const runSession = rawRedisSession(machine, new Redis(url), 'bench:raw:1:');
 * ```
 */
export function rawRedisSession(
  machine: AnyStateMachine,
  redis: Redis,
  prefix: string,
): SessionRunner {
  return async (index, record) => {
    const key = `${prefix}${index}`;
    const actor = createActor(machine);
    actor.start();
    await redis.set(key, JSON.stringify(actor.getPersistedSnapshot()));
    for (const event of trainingEvents) {
      const start = nowNs();
      actor.send(event);
      await redis.set(key, JSON.stringify(actor.getPersistedSnapshot()));
      record(nowNs() - start);
    }
    await waitFor(actor, (snapshot) => snapshot.status !== 'active');
    await redis.set(key, JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();
  };
}
