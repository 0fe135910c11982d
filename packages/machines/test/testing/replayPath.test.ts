import { describe, expect, it } from 'vitest';
import { assign, fromCallback, fromPromise, setup } from 'xstate';
import {
  generatePaths,
  invokeEvents,
  type MachinePath,
  PathReplayError,
  replayPath,
} from '../../src/testing/index.ts';
import { createOrderMachine, orderEvents, orderMachine } from './fixtures.ts';

const events = {
  ...orderEvents,
  ...invokeEvents(orderMachine, {
    submitter: { output: [{ receipt: 'r1' }], error: [new Error('declined')] },
  }),
};
const { paths } = generatePaths(orderMachine, { events });

function pathWith(predicate: (path: MachinePath) => boolean): MachinePath {
  const path = paths.find(predicate);
  if (!path) {
    throw new Error('no generated path matches');
  }
  return path;
}

function replayError(run: () => void): PathReplayError {
  try {
    run();
  } catch (error) {
    if (error instanceof PathReplayError) {
      return error;
    }
    throw error;
  }
  throw new Error('the replay did not fail');
}

describe('replayPath', () => {
  it('should replay every generated path against a real actor', () => {
    expect(paths.length).toBeGreaterThan(3);
    for (const path of paths) {
      expect(() => replayPath(orderMachine, path)).not.toThrow();
    }
  });

  it('should fail, naming the path and the step, when a transition goes to another target', () => {
    const path = pathWith((candidate) =>
      candidate.steps.some((step) => step.taken.includes('confirming --back--> picking')),
    );
    const stepIndex = path.steps.findIndex((step) =>
      step.taken.includes('confirming --back--> picking'),
    );
    const error = replayError(() =>
      replayPath(createOrderMachine({ backFromConfirming: 'idle' }), path),
    );
    expect(error.code).toBe('transition');
    expect(error.step).toBe(stepIndex + 1);
    expect(error.path).toBe(path.description);
    expect(error.message).toBe(
      `Path "${path.description}" failed at step ${stepIndex + 1} of ${path.steps.length}, back: ` +
        'expected [confirming --back--> picking], the actor took [confirming --back--> idle]',
    );
  });

  it('should fail when the machine takes another guarded transition to the same target', () => {
    const path = pathWith((candidate) =>
      candidate.steps.some((step) =>
        step.taken.includes('picking --item.picked [isExpensive]--> confirming'),
      ),
    );
    const error = replayError(() => replayPath(createOrderMachine({ listedFirst: true }), path));
    expect(error.code).toBe('transition');
    expect(error.event).toEqual({ type: 'item.picked', sku: 'B2' });
    expect(error.detail).toBe(
      'expected [picking --item.picked [isExpensive]--> confirming], ' +
        'the actor took [picking --item.picked [isListedItem]--> confirming]',
    );
  });

  it('should fail when the context differs from the path, naming the field', () => {
    const path = pathWith((candidate) =>
      candidate.steps.some((step) =>
        step.taken.includes('picking --item.picked [isListedItem]--> confirming'),
      ),
    );
    const changed = orderMachine.provide({
      actions: { recordPick: assign({ sku: 'Z9', express: false }) },
    });
    const error = replayError(() => replayPath(changed, path));
    expect(error.code).toBe('state');
    expect(error.detail).toBe("expected context.sku = 'A1', the actor has 'Z9'");
  });

  it('should fail at the initial state when the input differs', () => {
    const machine = setup({
      types: {
        context: {} as { n: number },
        input: {} as { n: number },
        events: {} as { type: 'go' },
      },
    }).createMachine({
      id: 'inputs',
      context: ({ input }) => ({ n: input.n }),
      initial: 'a',
      states: { a: { on: { go: 'b' } }, b: {} },
    });
    const [path] = generatePaths(machine, { input: { n: 1 } }).paths;
    expect(() => replayPath(machine, path!, { input: { n: 1 } })).not.toThrow();
    const error = replayError(() => replayPath(machine, path!, { input: { n: 2 } }));
    expect(error.step).toBe(0);
    expect(error.message).toBe(
      'Path "go ⇒ b" failed at the initial state: expected context.n = 1, the actor has 2',
    );
  });

  it('should catch a context that does not survive the JSON round trip', () => {
    const machine = setup({
      types: {
        context: {} as { seen: Map<string, number> },
        events: {} as { type: 'visit'; page: string },
      },
    }).createMachine({
      id: 'visits',
      context: { seen: new Map() },
      initial: 'browsing',
      states: {
        browsing: {
          on: {
            visit: {
              actions: assign({
                seen: ({ context, event }) => new Map([...context.seen, [event.page, 1]]),
              }),
            },
          },
        },
      },
    });
    const [path] = generatePaths(machine, {
      events: { visit: [{ type: 'visit', page: 'home' }] },
    }).paths;
    expect(() => replayPath(machine, path!, { restore: false })).not.toThrow();
    const error = replayError(() => replayPath(machine, path!));
    expect(error.code).toBe('restore');
    expect(error.step).toBe(0);
    expect(error.detail).toBe(
      'before persisting context.seen = Map(0) {}, after restoring from JSON {}',
    );
  });

  it('should report an error inside the actor instead of swallowing it', () => {
    const machine = setup({
      types: { events: {} as { type: 'save' } },
      actions: {
        writeToDisk: () => {
          throw new Error('disk full');
        },
      },
    }).createMachine({
      id: 'saver',
      initial: 'editing',
      states: { editing: { on: { save: { target: 'saved', actions: 'writeToDisk' } } }, saved: {} },
    });
    const [path] = generatePaths(machine).paths;
    const error = replayError(() => replayPath(machine, path!));
    expect(error.code).toBe('actor_error');
    expect(error.step).toBe(1);
    expect(error.detail).toBe('the actor failed: disk full');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('should replace invoked actors by ones that never settle unless they are provided', () => {
    const machine = setup({
      types: { events: {} as { type: 'listen' } },
      actors: {
        listenForUpdates: fromCallback(() => {
          throw new Error('no update source configured');
        }),
      },
    }).createMachine({
      id: 'listener',
      initial: 'idle',
      states: {
        idle: { on: { listen: 'listening' } },
        listening: { invoke: { id: 'updates', src: 'listenForUpdates' } },
      },
    });
    const [path] = generatePaths(machine).paths;
    expect(() => replayPath(machine, path!)).not.toThrow();
    const failing = fromCallback(() => {
      throw new Error('provided source failed');
    });
    const error = replayError(() =>
      replayPath(machine, path!, { actors: { listenForUpdates: failing } }),
    );
    expect(error.code).toBe('actor_error');
    expect(error.detail).toBe('the actor failed: provided source failed');
  });

  it('should continue each path on the actor restored from JSON', () => {
    const path = pathWith((candidate) =>
      candidate.steps.some((step) =>
        step.taken.includes('submitting --xstate.done.actor.submitter--> done'),
      ),
    );
    let starts = 0;
    const submitOrder = fromPromise<{ receipt: string }>(() => {
      starts++;
      return new Promise(() => {});
    });
    replayPath(orderMachine, path, { actors: { submitOrder }, restore: false });
    expect(starts).toBe(1);
    starts = 0;
    replayPath(orderMachine, path, { actors: { submitOrder } });
    // Entering `submitting` starts the submitter; restoring mid-invoke starts it again,
    // and the done event then reaches the restored actor, which completes the path.
    expect(starts).toBe(2);
  });
});

describe('PathReplayError', () => {
  it('should carry the path, the step, the event, a code and a readable message', () => {
    const cause = new Error('boom');
    const error = new PathReplayError(
      {
        path: 'go ⇒ b',
        step: 1,
        steps: 1,
        event: { type: 'go' },
        code: 'actor_error',
        detail: 'the actor failed: boom',
      },
      { cause },
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(PathReplayError);
    expect(error.name).toBe('PathReplayError');
    expect(error.code).toBe('actor_error');
    expect(error.message).toBe('Path "go ⇒ b" failed at step 1 of 1, go: the actor failed: boom');
    expect(error.cause).toBe(cause);
    expect(error).toMatchObject({ path: 'go ⇒ b', step: 1, steps: 1, event: { type: 'go' } });
  });
});
