import { workflows } from '@chatflow/machines';
import { generatePaths } from '@chatflow/machines/testing';
import { describe, expect, it } from 'vitest';
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  assign,
  createMachine,
  fromCallback,
  initialTransition,
  setup,
  spawnChild,
  transition,
} from 'xstate';
import { createMachineStepper } from '../src/machineStepper.ts';

function persisted(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): unknown {
  return JSON.parse(JSON.stringify(machine.getPersistedSnapshot(snapshot)));
}

describe('createMachineStepper', () => {
  for (const [type, definition] of Object.entries(workflows)) {
    it(`should step ${type} exactly as XState's transition() along every generated path`, () => {
      const machine = definition.machine as AnyStateMachine;
      const stepper = createMachineStepper(machine);
      const input = { models: [] };
      const { paths } = generatePaths(machine, { input });
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) {
        let [ours, ourActions] = stepper.initial(input);
        let [theirs, theirActions] = initialTransition(machine, input);
        expect(persisted(machine, ours)).toEqual(persisted(machine, theirs));
        expect(ourActions.map((action) => action.type)).toEqual(
          theirActions.map((action) => action.type),
        );
        for (const step of path.steps) {
          [ours, ourActions] = stepper.step(ours, step.event);
          [theirs, theirActions] = transition(machine, theirs, step.event as never);
          expect(persisted(machine, ours)).toEqual(persisted(machine, theirs));
          expect(ourActions.map((action) => action.type)).toEqual(
            theirActions.map((action) => action.type),
          );
          // A restored snapshot steps on as the one it was persisted from.
          const restored = stepper.restore(machine.getPersistedSnapshot(ours) as never);
          expect(persisted(machine, restored)).toEqual(persisted(machine, ours));
        }
      }
    });
  }

  it('should step a machine that invokes under a systemId into that state again and again', () => {
    const machine = setup({ actors: { worker: fromCallback(() => undefined) } }).createMachine({
      initial: 'idle',
      states: {
        idle: { on: { go: 'working' } },
        working: {
          invoke: { src: 'worker', id: 'worker', systemId: 'the-worker' },
          on: { stop: 'idle' },
        },
      },
    });
    const stepper = createMachineStepper(machine);
    let [snapshot] = stepper.initial(undefined);
    for (let round = 0; round < 3; round += 1) {
      [snapshot] = stepper.step(snapshot, { type: 'go' });
      expect(snapshot.value).toBe('working');
      expect(Object.keys(snapshot.children)).toEqual(['worker']);
      // Two sessions at the same state: each gets its own child.
      const [other] = stepper.step(stepper.initial(undefined)[0], { type: 'go' });
      expect(other.children.worker).not.toBe(snapshot.children.worker);
      [snapshot] = stepper.step(snapshot, { type: 'stop' });
      expect(snapshot.value).toBe('idle');
    }
  });

  it("should fall back to XState's own transition when the shared scope cannot take a step", () => {
    // A child spawned under a systemId from an action cannot be seen from the machine's
    // states, so the shared scope collides with itself on the second spawn.
    const machine = setup({ actors: { worker: fromCallback(() => undefined) } }).createMachine({
      initial: 'idle',
      context: { count: 0 },
      states: {
        idle: {
          on: {
            spawn: {
              actions: [
                spawnChild('worker', { systemId: 'spawned', id: 'spawned' }),
                assign({ count: ({ context }) => context.count + 1 }),
              ],
            },
          },
        },
      },
    });
    const stepper = createMachineStepper(machine);
    const [initial] = stepper.initial(undefined);
    const [first] = stepper.step(initial, { type: 'spawn' });
    const [second] = stepper.step(initial, { type: 'spawn' });
    const [third] = stepper.step(initial, { type: 'spawn' });
    for (const snapshot of [first, second, third]) {
      expect(snapshot.context).toEqual({ count: 1 });
      expect(persisted(machine, snapshot)).toEqual(
        persisted(machine, transition(machine, initial, { type: 'spawn' })[0]),
      );
    }
  });

  it("should throw what XState's transition() throws", () => {
    const machine = createMachine({
      initial: 'a',
      states: {
        a: {
          on: {
            go: {
              guard: () => {
                throw new Error('the guard broke');
              },
              target: 'b',
            },
          },
        },
        b: {},
      },
    });
    const stepper = createMachineStepper(machine);
    const [initial] = stepper.initial(undefined);
    expect(() => stepper.step(initial, { type: 'go' })).toThrow(/the guard broke/);
    expect(() => transition(machine, initial, { type: 'go' })).toThrow(/the guard broke/);
    // The stepper still works afterwards.
    expect(stepper.step(initial, { type: 'nothing' })[0].value).toBe('a');
  });
  for (const [type, definition] of Object.entries(workflows)) {
    it(`should answer accepts() for ${type} as snapshot.can() does, for every event in every state of its paths`, () => {
      const machine = definition.machine as AnyStateMachine;
      const stepper = createMachineStepper(machine);
      const input = { models: [] };
      const { paths } = generatePaths(machine, { input });
      const events = paths.flatMap((path) => path.steps.map((step) => step.event));
      for (const path of paths) {
        let [snapshot] = stepper.initial(input);
        for (const step of path.steps) {
          for (const event of events) {
            expect(stepper.accepts(snapshot, event)).toBe(snapshot.can(event as never));
          }
          [snapshot] = stepper.step(snapshot, step.event);
        }
      }
    });
  }

  it('should evaluate the guards once for accepts() and the step that follows it', () => {
    let calls = 0;
    const machine = setup({
      guards: {
        enough: ({ event }) => {
          calls += 1;
          return (event as { amount?: number }).amount === 3;
        },
      },
    }).createMachine({
      initial: 'waiting',
      states: { waiting: { on: { pay: { guard: 'enough', target: 'paid' } } }, paid: {} },
    });
    const stepper = createMachineStepper(machine);
    const [initial] = stepper.initial(undefined);
    const event = { type: 'pay', amount: 3 };
    expect(stepper.accepts(initial, event)).toBe(true);
    expect(calls).toBe(1);
    const [next] = stepper.step(initial, event);
    expect(next.value).toBe('paid');
    expect(calls).toBe(1);
    // Kept for that one step only: the same event again is judged anew.
    stepper.step(initial, event);
    expect(calls).toBe(2);
    // A refused event keeps nothing; an equal but other event object is judged anew.
    const tooLittle = { type: 'pay', amount: 1 };
    const equalToEvent = { type: 'pay', amount: 3 };
    expect(stepper.accepts(initial, tooLittle)).toBe(false);
    stepper.step(initial, equalToEvent);
    expect(calls).toBe(4);
    // The host's machine is left as it was: the stepper works on a copy.
    expect(stepper.machine).not.toBe(machine);
    expect(Object.hasOwn(machine, 'getTransitionData')).toBe(false);
  });
});
