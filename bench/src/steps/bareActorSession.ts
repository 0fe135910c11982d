/**
 * The limit: a bare XState actor per session, events sent with no persistence at all.
 */
import { type AnyStateMachine, createActor, waitFor } from 'xstate';
import { nowNs } from '../harness.ts';
import { trainingEvents } from '../workload.ts';
import type { SessionRunner } from './driveSessions.ts';

/**
 * A session runner that creates and starts an actor, sends the four events (timing
 * each `send`) and waits for the trainer to finish.
 *
 * @example
 * ```ts
 * await driveSessions({ sessions: 1000, concurrency: 1, runSession: bareActorSession(machine) });
 * ```
 */
export function bareActorSession(machine: AnyStateMachine): SessionRunner {
  return async (_index, record) => {
    const actor = createActor(machine);
    actor.start();
    for (const event of trainingEvents) {
      const start = nowNs();
      actor.send(event);
      record(nowNs() - start);
    }
    await waitFor(actor, (snapshot) => snapshot.status !== 'active');
    actor.stop();
  };
}
