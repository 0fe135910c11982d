import { describe, expect, it } from 'vitest';
import { createActor, transition } from 'xstate';
import type { WorkLease } from '../src/sessionRecord.ts';
import type { PersistedWorkflowSnapshot } from '../src/types.ts';
import { prepareWorkflows } from '../src/workflowCatalogue.ts';
import type { StepAction } from '../src/workflowTimers.ts';
import {
  freshLease,
  holdsLease,
  isAbandoned,
  type LeaseHolder,
  nextLeases,
  workChildren,
} from '../src/workLeases.ts';
import { fitWorkflow } from './support/fixtureWorkflows.ts';

const me: LeaseHolder = { id: 'runtime-a', name: 'runtime-a' };
const other: LeaseHolder = { id: 'runtime-b', name: 'bot' };
const t0 = Date.UTC(2025, 0, 1);
const dataset = {
  id: 'd1',
  name: 'data',
  columns: [
    { name: 'x', type: 'number' as const },
    { name: 'y', type: 'number' as const },
  ],
  rowCount: 3,
};

const prepared = prepareWorkflows({ fit: fitWorkflow }, {}).get('fit')!;
const sources = prepared.workSources;

/** The fit machine at `selecting_features`, as a live actor of the prepared machine. */
function atFeatures() {
  const actor = createActor(prepared.machine);
  actor.start();
  actor.send({ type: 'data.uploaded', dataset });
  actor.send({ type: 'target.selected', column: 'y' });
  return actor;
}

function persisted(snapshot: unknown): PersistedWorkflowSnapshot {
  return prepared.machine.getPersistedSnapshot(
    snapshot as never,
  ) as unknown as PersistedWorkflowSnapshot;
}

describe('nextLeases', () => {
  it('should lease work a step starts to the runtime that takes the step', () => {
    const actor = atFeatures();
    const [next, actions] = transition(prepared.machine, actor.getSnapshot(), {
      type: 'features.selected',
      columns: ['x'],
    });
    const snapshot = persisted(next);
    expect(workChildren(snapshot, sources)).toEqual([
      {
        invokeId: 'training',
        src: 'fitModel',
        input: { dataset, target: 'y', features: ['x'] },
      },
    ]);
    const [lease] = nextLeases([], snapshot, actions as StepAction[], sources, me, t0 + 30_000);
    expect(lease).toEqual({
      workId: expect.any(String),
      invokeId: 'training',
      src: 'fitModel',
      attempt: 1,
      owner: 'runtime-a',
      ownerName: 'runtime-a',
      leaseUntil: t0 + 30_000,
    });
  });

  it('should keep the lease of running work, and drop it once its actor is gone', () => {
    const actor = atFeatures();
    actor.send({ type: 'features.selected', columns: ['x'] });
    const training = persisted(actor.getSnapshot());
    const held: WorkLease = { ...freshLease('training', 'fitModel', other, t0), attempt: 2 };
    // A step that leaves the work running (none here spawns it again) keeps the lease.
    expect(nextLeases([held], training, [], sources, me, t0 + 1)).toEqual([held]);
    const [cancelled, actions] = transition(prepared.machine, actor.getSnapshot(), {
      type: 'cancel',
    });
    expect(
      nextLeases([held], persisted(cancelled), actions as StepAction[], sources, me, 0),
    ).toEqual([]);
  });

  it('should mark finished the lease of work whose outcome was delivered while its actor stays', () => {
    const actor = atFeatures();
    actor.send({ type: 'features.selected', columns: ['x'] });
    const held = freshLease('training', 'fitModel', me, t0);
    expect(
      nextLeases([held], persisted(actor.getSnapshot()), [], sources, me, t0, 'training'),
    ).toEqual([{ ...held, finished: true }]);
  });

  it('should give work found without a lease a fresh one', () => {
    const actor = atFeatures();
    actor.send({ type: 'features.selected', columns: ['x'] });
    const [lease] = nextLeases([], persisted(actor.getSnapshot()), [], sources, me, t0);
    expect(lease).toMatchObject({ invokeId: 'training', attempt: 1, owner: 'runtime-a' });
  });

  it('should ignore children that are not work or not running', () => {
    const snapshot: PersistedWorkflowSnapshot = {
      status: 'active',
      value: 'training',
      children: {
        other: { src: 'notWork', snapshot: { status: 'active' } },
        done: { src: 'fitModel', snapshot: { status: 'done' } },
        broken: null,
      },
    };
    expect(workChildren(snapshot, sources)).toEqual([]);
    expect(workChildren({ status: 'active', value: 'x' }, sources)).toEqual([]);
  });
});

describe('isAbandoned and holdsLease', () => {
  it('should take a lease as abandoned once it ran out, never one this runtime holds', () => {
    const lease = freshLease('training', 'fitModel', other, t0 + 1000);
    expect(holdsLease(lease, other)).toBe(true);
    expect(holdsLease(lease, me)).toBe(false);
    expect(isAbandoned(lease, me, t0 + 999)).toBe(false);
    expect(isAbandoned(lease, me, t0 + 1000)).toBe(true);
    expect(isAbandoned(lease, other, t0 + 5000)).toBe(false);
  });

  it("should take over at once a lease held under this runtime's name by another instance", () => {
    const previousLife = freshLease('training', 'fitModel', other, t0 + 60_000);
    const restarted: LeaseHolder = { id: 'runtime-c', name: 'bot' };
    expect(isAbandoned(previousLife, restarted, t0)).toBe(true);
    expect(isAbandoned(previousLife, me, t0)).toBe(false);
  });
});
