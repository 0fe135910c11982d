import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { getTransitionEdges } from '../../src/testing/index.ts';
import { gateMachine, orderMachine } from './fixtures.ts';

describe('getTransitionEdges', () => {
  it('should list one taken edge per candidate and one refused edge when every candidate is guarded', () => {
    expect(getTransitionEdges(orderMachine).map((edge) => edge.id)).toEqual([
      'order --cancel--> cancelled',
      'idle --list.loaded [hasItems]--> picking',
      'idle --list.loaded [refused: hasItems]',
      'picking --item.picked [isExpensive]--> confirming',
      'picking --item.picked [isListedItem]--> confirming',
      'picking --item.picked [refused: isExpensive, isListedItem]',
      'picking --back--> idle',
      'confirming --confirm--> submitting',
      'confirming --back--> picking',
      'submitting --xstate.done.actor.submitter--> done',
      'submitting --xstate.error.actor.submitter--> confirming',
    ]);
  });

  it('should describe each edge by source, event type, guard, outcome and target', () => {
    const edges = getTransitionEdges(orderMachine);
    expect(
      edges.find((edge) => edge.id === 'picking --item.picked [isListedItem]--> confirming'),
    ).toEqual({
      id: 'picking --item.picked [isListedItem]--> confirming',
      source: 'picking',
      eventType: 'item.picked',
      guard: 'isListedItem',
      outcome: 'taken',
      target: 'confirming',
    });
    expect(edges.find((edge) => edge.outcome === 'refused' && edge.source === 'picking')).toEqual({
      id: 'picking --item.picked [refused: isExpensive, isListedItem]',
      source: 'picking',
      eventType: 'item.picked',
      guard: 'isExpensive, isListedItem',
      outcome: 'refused',
      target: null,
    });
  });

  it('should name combined guards, eventless transitions, targetless transitions and nested states', () => {
    expect(getTransitionEdges(gateMachine)).toEqual([
      {
        id: 'counting --bump--> counting',
        source: 'counting',
        eventType: 'bump',
        guard: null,
        outcome: 'taken',
        target: 'counting',
      },
      {
        id: 'counting --toggle [not(isBig)]--> counting',
        source: 'counting',
        eventType: 'toggle',
        guard: 'not(isBig)',
        outcome: 'taken',
        target: 'counting',
      },
      {
        id: 'counting --toggle [refused: not(isBig)]',
        source: 'counting',
        eventType: 'toggle',
        guard: 'not(isBig)',
        outcome: 'refused',
        target: null,
      },
      {
        id: 'counting --always [and(isBig, isOpen)]--> full',
        source: 'counting',
        eventType: '',
        guard: 'and(isBig, isOpen)',
        outcome: 'taken',
        target: 'full',
      },
      {
        id: 'full.resting --reset--> counting',
        source: 'full.resting',
        eventType: 'reset',
        guard: null,
        outcome: 'taken',
        target: 'counting',
      },
    ]);
  });

  it('should keep ids unique when two candidates have the same guard and target', () => {
    const machine = setup({
      types: { context: {} as { n: number }, events: {} as { type: 'go' } },
      guards: { isSmall: ({ context }) => context.n < 3 },
    }).createMachine({
      id: 'twins',
      context: { n: 0 },
      initial: 'a',
      states: {
        a: {
          on: {
            go: [
              { guard: 'isSmall', target: 'b', actions: assign({ n: 1 }) },
              { guard: 'isSmall', target: 'b', actions: assign({ n: 2 }) },
            ],
          },
        },
        b: {},
      },
    });
    expect(getTransitionEdges(machine).map((edge) => edge.id)).toEqual([
      'a --go [isSmall]--> b',
      'a --go [isSmall]--> b #2',
      'a --go [refused: isSmall, isSmall]',
    ]);
  });

  it('should return copies that callers cannot use to change later results', () => {
    const [first] = getTransitionEdges(orderMachine);
    first!.id = 'changed';
    expect(getTransitionEdges(orderMachine)[0]!.id).toBe('order --cancel--> cancelled');
  });
});
