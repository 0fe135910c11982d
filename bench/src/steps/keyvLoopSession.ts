/**
 * The loop a user writes by hand without chatflow, for every message: `keyv.get` ->
 * `createActor(machine, { snapshot })` -> `send` -> `getPersistedSnapshot` ->
 * `keyv.set`; when the step started work (training), wait for it and persist again.
 */
import type { Keyv } from 'keyv';
import { type AnyStateMachine, createActor, waitFor } from 'xstate';
import { nowNs } from '../harness.ts';
import { trainingEvents } from '../workload.ts';
import type { SessionRunner } from './driveSessions.ts';

/**
 * A session runner over any Keyv (in memory, Redis). Keys are `${prefix}${index}`.
 *
 * @example
 * ```ts
 * const runSession = keyvLoopSession(machine, new Keyv(), 'rep-1:');
 * ```
 */
export function keyvLoopSession(
  machine: AnyStateMachine,
  keyv: Keyv,
  prefix: string,
): SessionRunner {
  return async (index, record) => {
    const key = `${prefix}${index}`;
    const first = createActor(machine);
    first.start();
    await keyv.set(key, first.getPersistedSnapshot());
    first.stop();
    for (const event of trainingEvents) {
      const start = nowNs();
      const snapshot = await keyv.get(key);
      if (snapshot === undefined) throw new Error(`keyv lost session ${key}`);
      const actor = createActor(machine, { snapshot });
      actor.start();
      actor.send(event);
      await keyv.set(key, actor.getPersistedSnapshot());
      record(nowNs() - start);
      if (actor.getSnapshot().value === 'training') {
        // The trainer runs in this actor; persist again when it has finished.
        await waitFor(actor, (s) => s.value !== 'training');
        await keyv.set(key, actor.getPersistedSnapshot());
      }
      actor.stop();
    }
  };
}
