import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { generatePaths, invokeEvents } from '../../src/testing/index.ts';
import {
  catalogue,
  gateMachine,
  type OrderContext,
  orderEvents,
  orderMachine,
} from './fixtures.ts';

const submitterEvents = invokeEvents(orderMachine, {
  submitter: { output: [{ receipt: 'r1' }], error: [new Error('declined')] },
});

describe('generatePaths', () => {
  it('should cover every edge of a machine given samples for every guard outcome', () => {
    const { coverage } = generatePaths(orderMachine, {
      events: { ...orderEvents, ...submitterEvents },
    });
    expect(coverage).toMatchObject({ machineId: 'order', total: 11, covered: 11, ratio: 1 });
    expect(coverage.missing).toEqual([]);
    expect(coverage.edges.every((edge) => edge.covered)).toBe(true);
  });

  it('should count as covered exactly the edges the paths step through', () => {
    const { paths, coverage } = generatePaths(orderMachine, {
      events: { ...orderEvents, ...submitterEvents },
    });
    const stepped = new Set(
      paths.flatMap((path) => path.steps.flatMap((step) => [...step.taken, ...step.refused])),
    );
    expect(coverage.covered).toBe(stepped.size);
    for (const edge of coverage.edges) {
      expect(edge.covered, edge.id).toBe(stepped.has(edge.id));
    }
  });

  it('should report an edge as missing, by its id, when no sample can reach it', () => {
    const { coverage } = generatePaths(orderMachine, {
      events: {
        ...orderEvents,
        'list.loaded': [{ type: 'list.loaded', items: catalogue }],
        ...invokeEvents(orderMachine, { submitter: { output: [{ receipt: 'r1' }] } }),
      },
    });
    expect(coverage.missing).toEqual([
      'idle --list.loaded [refused: hasItems]',
      'submitting --xstate.error.actor.submitter--> confirming',
    ]);
    expect(coverage).toMatchObject({ total: 11, covered: 9, ratio: 9 / 11 });
  });

  it('should tell apart two guarded transitions that share a target', () => {
    const { coverage } = generatePaths(orderMachine, {
      events: {
        ...orderEvents,
        'item.picked': [
          { type: 'item.picked', sku: 'A1' },
          { type: 'item.picked', sku: 'zz' },
        ],
        ...submitterEvents,
      },
    });
    expect(coverage.missing).toEqual(['picking --item.picked [isExpensive]--> confirming']);
  });

  it('should mark each step with the edges it takes or refuses', () => {
    const { paths } = generatePaths(orderMachine, {
      events: { ...orderEvents, ...submitterEvents },
    });
    const expensive = paths.find((path) =>
      path.steps.some((step) => step.event.type === 'item.picked' && step.event.sku === 'B2'),
    );
    const step = expensive?.steps.find((candidate) => candidate.event.type === 'item.picked');
    expect(step).toMatchObject({
      taken: ['picking --item.picked [isExpensive]--> confirming'],
      refused: [],
      state: { value: 'confirming', status: 'active', context: { sku: 'B2', express: true } },
    });
    const unknown = paths
      .flatMap((path) => path.steps)
      .find(
        (candidate) => candidate.event.type === 'item.picked' && candidate.event.sku === 'unknown',
      );
    expect(unknown).toMatchObject({
      taken: [],
      refused: ['picking --item.picked [refused: isExpensive, isListedItem]'],
      state: { value: 'picking' },
    });
  });

  it('should ask for context-dependent samples with the current snapshot', () => {
    const seen: OrderContext[] = [];
    const { coverage } = generatePaths(orderMachine, {
      events: {
        ...orderEvents,
        'item.picked': (snapshot) => {
          seen.push(snapshot.context);
          return snapshot.context.items.map((item) => ({ type: 'item.picked', sku: item.sku }));
        },
        ...submitterEvents,
      },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((context) => context.items.length === catalogue.length)).toBe(true);
    expect(coverage.missing).toEqual([
      'picking --item.picked [refused: isExpensive, isListedItem]',
    ]);
  });

  it('should start every path at the initial state, keep descriptions unique and drop prefixes', () => {
    const { paths } = generatePaths(orderMachine, {
      events: { ...orderEvents, ...submitterEvents },
    });
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) {
      expect(path.initial).toEqual({
        value: 'idle',
        status: 'active',
        context: orderMachine.config.context,
      });
      expect(path.steps.length).toBeGreaterThan(0);
    }
    const descriptions = paths.map((path) => path.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    const sequences = paths.map((path) => path.steps.map((step) => JSON.stringify(step.event)));
    for (const [i, sequence] of sequences.entries()) {
      for (const [j, other] of sequences.entries()) {
        const isPrefix = i !== j && sequence.every((event, k) => other[k] === event);
        expect(isPrefix, `${descriptions[i]} is a prefix of ${descriptions[j]}`).toBe(false);
      }
    }
  });

  it('should describe a path by its events, marking refused ones, and where it ends', () => {
    const { paths } = generatePaths(orderMachine, {
      events: { ...orderEvents, ...submitterEvents },
    });
    expect(paths.map((path) => path.description)).toContain(
      'list.loaded([{…}, {…}]) → item.picked(unknown) ✗ ⇒ picking',
    );
    expect(paths.map((path) => path.description)).toContain(
      'list.loaded([{…}, {…}]) → item.picked(A1) → confirm → xstate.error.actor.submitter(declined) ⇒ confirming',
    );
  });

  it('should try a handled event type without samples as the bare event, and never an empty list', () => {
    const bare = generatePaths(orderMachine, { events: { ...orderEvents, ...submitterEvents } });
    expect(bare.coverage.missing).not.toContain('picking --back--> idle');
    const never = generatePaths(orderMachine, {
      events: { ...orderEvents, ...submitterEvents, back: [] },
    });
    expect(never.coverage.missing).toEqual([
      'picking --back--> idle',
      'confirming --back--> picking',
    ]);
  });

  it('should cover a machine whose context makes its state space infinite, visiting few states', () => {
    const { coverage, stats } = generatePaths(gateMachine);
    expect(coverage.missing).toEqual([]);
    expect(stats.truncated).toBe(false);
    expect(stats.states).toBeLessThan(20);
  });

  it('should stop at maxStates and report the unreachable edge when it cannot be covered', () => {
    const machine = setup({
      types: { context: {} as { n: number }, events: {} as { type: 'inc' } | { type: 'win' } },
      guards: { isNegative: ({ context }) => context.n < 0 },
    }).createMachine({
      id: 'counter',
      context: { n: 0 },
      initial: 'on',
      states: {
        on: {
          on: {
            inc: { actions: assign({ n: ({ context }) => context.n + 1 }) },
            win: { guard: 'isNegative', target: 'won' },
          },
        },
        won: {},
      },
    });
    const { coverage, stats } = generatePaths(machine, { maxStates: 50, maxDepth: 1000 });
    expect(coverage.missing).toEqual(['on --win [isNegative]--> won']);
    expect(stats.truncated).toBe(true);
    expect(stats.states).toBe(50);
    const shallow = generatePaths(machine, { maxDepth: 5 });
    expect(shallow.stats.truncated).toBe(true);
    expect(shallow.stats.states).toBeLessThanOrEqual(7);
  });

  it('should bound the first pass too when contextKeys make it infinite', () => {
    const { coverage, stats } = generatePaths(gateMachine, {
      contextKeys: ['count'],
      maxStates: 30,
    });
    expect(coverage.missing).toEqual([]);
    expect(stats.truncated).toBe(false);
  });

  it('should tell states apart with serializeState in the search', () => {
    const { coverage } = generatePaths(gateMachine, {
      serializeState: (snapshot) => JSON.stringify(snapshot.value),
    });
    expect(coverage.missing).toContain('counting --always [and(isBig, isOpen)]--> full');
  });

  it('should reject an event type the machine never handles', () => {
    expect(() =>
      generatePaths(orderMachine, { events: { 'item.pickd': [{ type: 'item.pickd' }] } as never }),
    ).toThrow(/never handles the event type "item\.pickd"/);
  });

  it('should reject a sample whose type is not its key', () => {
    expect(() =>
      generatePaths(orderMachine, { events: { back: [{ type: 'cancel' }] } as never }),
    ).toThrow(/A sample given for "back" has the type "cancel"/);
  });

  it('should say which event and state made the machine throw', () => {
    expect(() => generatePaths(orderMachine)).toThrow(
      /throws on "list\.loaded" in state "idle": Unable to evaluate guard 'hasItems'.*Give samples/s,
    );
  });

  it('should not send done and error events without samples, and report their edges missing', () => {
    const { coverage } = generatePaths(orderMachine, { events: orderEvents });
    expect(coverage.missing).toEqual([
      'submitting --xstate.done.actor.submitter--> done',
      'submitting --xstate.error.actor.submitter--> confirming',
    ]);
  });

  it('should use describeEvent in descriptions', () => {
    const { paths } = generatePaths(orderMachine, {
      events: { ...orderEvents, ...submitterEvents },
      describeEvent: (event) => event.type.toUpperCase(),
    });
    expect(paths.map((path) => path.description)).toContain('LIST.LOADED → BACK ⇒ idle');
  });
});
