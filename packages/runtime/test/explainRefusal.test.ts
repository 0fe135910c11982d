import type { WorkflowDefinition } from '@chatflow/machines';
import { describe, expect, it } from 'vitest';
import { and, createActor, fromPromise, not, or, setup } from 'xstate';
import { acceptedEvents, candidateTransitions, matchesDescriptor } from '../src/acceptedEvents.ts';
import { explainRefusal } from '../src/explainRefusal.ts';

const machine = setup({
  types: { context: {} as { n: number }, events: {} as { type: string; n?: number } },
  guards: {
    hasData: ({ context }) => context.n > 0,
    isBig: ({ context }) => context.n > 10,
    isEven: ({ event }) => (event.n ?? 1) % 2 === 0,
    canFinish: and(['hasData', 'isBig']),
    isBetween: ({ context }, params: { min: number }) => context.n >= params.min,
  },
  actors: { nothing: fromPromise(async () => undefined) },
}).createMachine({
  id: 'm',
  context: { n: 0 },
  initial: 'idle',
  on: { reset: '.idle' },
  states: {
    idle: {
      meta: { prompt: 'Idle.' },
      on: {
        finish: { guard: 'canFinish', target: 'done' },
        pick: [
          { guard: 'isEven', target: 'done' },
          { guard: 'hasData', target: 'done' },
        ],
        either: { guard: or(['hasData', 'isEven']), target: 'done' },
        never: { guard: not('isEven'), target: 'done' },
        ranged: { guard: { type: 'isBetween', params: { min: 3 } }, target: 'done' },
        'data.*': 'done',
      },
      invoke: { id: 'work', src: 'nothing', onDone: 'done' },
    },
    done: { type: 'final' },
  },
});

function definition(refusals: WorkflowDefinition['refusals']): WorkflowDefinition {
  return { type: 'm', label: 'm', description: 'm', version: 1, machine, events: {}, refusals };
}

function explain(refusals: WorkflowDefinition['refusals'], event: { type: string; n?: number }) {
  return explainRefusal(
    definition(refusals),
    machine,
    candidateTransitions(machine, 'idle', event.type),
    {
      context: { n: 0 },
      event,
    },
  );
}

describe('acceptedEvents', () => {
  it('should list the state and ancestor events without XState internals', () => {
    expect(acceptedEvents(machine, 'idle')).toEqual([
      'finish',
      'pick',
      'either',
      'never',
      'ranged',
      'data.*',
      'reset',
    ]);
  });

  it('should match wildcard descriptors', () => {
    expect(matchesDescriptor('data.*', 'data.uploaded')).toBe(true);
    expect(matchesDescriptor('data.*', 'database')).toBe(false);
    expect(matchesDescriptor('*', 'anything')).toBe(true);
    expect(candidateTransitions(machine, 'idle', 'data.uploaded')).toHaveLength(1);
  });
});

describe('explainRefusal', () => {
  it('should use the registered message of the innermost refusing guard', () => {
    const message = explain(
      { hasData: () => 'Upload data first.', canFinish: () => 'Cannot finish.' },
      { type: 'finish' },
    );
    expect(message).toBe('Upload data first.');
  });

  it('should fall back to the outer guard message, then to a sentence naming the guard', () => {
    expect(explain({ canFinish: () => 'Cannot finish.' }, { type: 'finish' })).toBe(
      'Cannot finish.',
    );
    expect(explain({}, { type: 'finish' })).toContain('"hasData"');
  });

  it('should explain the first candidate transition', () => {
    expect(explain({ isEven: () => 'Even numbers only.' }, { type: 'pick', n: 3 })).toBe(
      'Even numbers only.',
    );
  });

  it('should give the refusal function the context and the event', () => {
    const message = explain(
      { isEven: ({ context, event }) => `${JSON.stringify(context)} ${JSON.stringify(event)}` },
      { type: 'pick', n: 3 },
    );
    expect(message).toBe('{"n":0} {"type":"pick","n":3}');
  });

  it('should handle or, not and parameterized guards', () => {
    expect(explain({ hasData: () => 'Data first.' }, { type: 'either', n: 1 })).toBe('Data first.');
    expect(explain({}, { type: 'never', n: 2 })).toMatch(/condition of the workflow/);
    expect(explain({ isBetween: () => 'Too small.' }, { type: 'ranged' })).toBe('Too small.');
  });

  it('should survive a refusal message that throws', () => {
    const message = explain(
      {
        isEven: () => {
          throw new Error('bug');
        },
      },
      { type: 'pick', n: 3 },
    );
    expect(message).toContain('"isEven"');
  });

  it('should agree with XState on whether the guards refuse', () => {
    const snapshot = createActor(machine).getSnapshot();
    expect(snapshot.can({ type: 'finish' })).toBe(false);
    expect(snapshot.can({ type: 'pick', n: 2 })).toBe(true);
  });
});
