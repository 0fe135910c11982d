import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { exampleDataset } from '../src/fixtures.ts';
import {
  type RunAnalysisInput,
  type StatsAnalysisEvent,
  statsAnalysisMachine,
  statsAnalysisRefusals,
} from '../src/statsAnalysisMachine.ts';
import type { JsonValue } from '../src/types.ts';
import { type Deferred, deferred, watchErrors } from './support.ts';

const toRunning: StatsAnalysisEvent[] = [
  { type: 'data.uploaded', dataset: exampleDataset() },
  { type: 'analysis.selected', analysis: 't_test' },
  { type: 'columns.selected', columns: ['price', 'area'] },
];

/** Starts stats analysis with an analysis the test settles, and sends `events`. */
function start(events: StatsAnalysisEvent[] = []) {
  const calls: RunAnalysisInput[] = [];
  const pending: Deferred<JsonValue>[] = [];
  const machine = statsAnalysisMachine.provide({
    actors: {
      runAnalysis: fromPromise<JsonValue, RunAnalysisInput>(({ input }) => {
        calls.push(input);
        const next = deferred<JsonValue>();
        pending.push(next);
        return next.promise;
      }),
    },
  });
  const actor = createActor(machine);
  const errors = watchErrors(actor);
  actor.start();
  for (const event of events) actor.send(event);
  return { actor, errors, calls, pending };
}

describe('statsAnalysisMachine', () => {
  it('should run the chosen analysis on the chosen columns and output its result', async () => {
    const { actor, calls, pending, errors } = start(toRunning);
    expect(actor.getSnapshot().value).toBe('running');
    expect(calls).toEqual([
      { dataset: exampleDataset(), analysis: 't_test', columns: ['price', 'area'] },
    ]);
    pending[0]?.resolve({ t: 2.1, p: 0.04 });
    const done = await waitFor(actor, (snapshot) => snapshot.status === 'done');
    expect(done.value).toBe('complete');
    expect(done.output).toEqual({ t: 2.1, p: 0.04 });
    expect(errors).toEqual([]);
  });

  it('should carry a description and a prompt on every state, and its version', () => {
    expect(statsAnalysisMachine.id).toBe('statsAnalysis');
    expect(statsAnalysisMachine.root.meta).toEqual({ version: 1 });
    for (const state of Object.values(statsAnalysisMachine.states)) {
      expect(state.description, state.key).toMatch(/\w/);
      expect(state.meta?.prompt, state.key).toMatch(/\w/);
    }
  });

  it('should step back one state at a time, clearing the choice being revisited', () => {
    const { actor } = start(toRunning);
    const steps: [string, Record<string, unknown>][] = [
      ['selecting_columns', { columns: [], analysis: 't_test' }],
      ['selecting_analysis', { analysis: null }],
      ['awaiting_data', { dataset: null }],
    ];
    for (const [state, context] of steps) {
      actor.send({ type: 'back' });
      expect(actor.getSnapshot().value).toBe(state);
      expect(actor.getSnapshot().context).toMatchObject(context);
    }
    expect(actor.getSnapshot().can({ type: 'back' })).toBe(false);
  });

  it.each([0, 1, 2, 3])('should end as cancelled from step %i', (steps) => {
    const { actor } = start(toRunning.slice(0, steps));
    actor.send({ type: 'cancel' });
    expect(actor.getSnapshot().value).toBe('cancelled');
    expect(actor.getSnapshot().output).toBeNull();
  });

  describe('refusals', () => {
    function refuse(prefix: StatsAnalysisEvent[], event: StatsAnalysisEvent) {
      const { actor, errors } = start(prefix);
      const before = actor.getSnapshot();
      actor.send(event);
      expect(actor.getSnapshot().value).toBe(before.value);
      expect(actor.getSnapshot().context).toEqual(before.context);
      expect(errors).toEqual([]);
      return { context: before.context, event };
    }

    it('should refuse a data set without a numeric column (hasUsableDataset)', () => {
      const dataset = { ...exampleDataset(), columns: [{ name: 'city', type: 'string' as const }] };
      const args = refuse([], { type: 'data.uploaded', dataset });
      expect(statsAnalysisRefusals.hasUsableDataset(args)).toBe(
        'houses.csv has no numeric column. Please upload a file with at least one row and one numeric column.',
      );
    });

    it('should refuse an unknown analysis (isSuitedAnalysis)', () => {
      const args = refuse(toRunning.slice(0, 1), {
        type: 'analysis.selected',
        analysis: 'anova' as 't_test',
      });
      expect(statsAnalysisRefusals.isSuitedAnalysis(args)).toBe(
        '"anova" is not an analysis. Choose one of: descriptive, correlation, t_test, linear_regression.',
      );
    });

    it('should refuse an analysis the data set has too few numeric columns for', () => {
      const dataset = {
        ...exampleDataset(),
        columns: [
          { name: 'price', type: 'number' as const },
          { name: 'city', type: 'string' as const },
        ],
      };
      const args = refuse([{ type: 'data.uploaded', dataset }], {
        type: 'analysis.selected',
        analysis: 'correlation',
      });
      expect(statsAnalysisRefusals.isSuitedAnalysis(args)).toBe(
        'correlation needs at least 2 numeric columns, but houses.csv has 1. Choose one of: descriptive.',
      );
    });

    it.each([
      ['t_test', ['price'], 'too few columns'],
      ['t_test', ['price', 'rooms', 'area'], 'too many columns'],
      ['linear_regression', ['price', 'city'], '"city" is not numeric'],
      ['correlation', ['price', 'price'], '"price" is listed twice'],
      ['descriptive', [], 'Please choose columns'],
      ['descriptive', ['size'], '"size" is not a column of houses.csv'],
    ] as const)('should refuse %s on %j (suitsAnalysis)', (analysis, columns, reason) => {
      const args = refuse(
        [
          { type: 'data.uploaded', dataset: exampleDataset() },
          { type: 'analysis.selected', analysis },
        ],
        { type: 'columns.selected', columns: [...columns] },
      );
      const message = statsAnalysisRefusals.suitsAnalysis(args);
      expect(message).toContain(reason);
      expect(message).toMatch(/numeric columns of: price, rooms, area\.$/);
    });

    it('should accept a correlation of all numeric columns', () => {
      const { actor } = start([
        { type: 'data.uploaded', dataset: exampleDataset() },
        { type: 'analysis.selected', analysis: 'correlation' },
        { type: 'columns.selected', columns: ['price', 'rooms', 'area'] },
      ]);
      expect(actor.getSnapshot().value).toBe('running');
    });
  });

  describe('invoked analysis', () => {
    it('should keep the error and return to selecting_columns when the analysis fails', async () => {
      const { actor, pending } = start(toRunning);
      pending[0]?.reject(new Error('variance is zero'));
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'running');
      expect(back.value).toBe('selecting_columns');
      expect(back.context.error).toBe('variance is zero');
      expect(back.context.columns).toEqual([]);
      expect(back.context.analysis).toBe('t_test');
    });

    it('should treat a result that is not JSON as a failure', async () => {
      const { actor, pending } = start(toRunning);
      pending[0]?.resolve({ n: 10n } as unknown as JsonValue);
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'running');
      expect(back.value).toBe('selecting_columns');
      expect(back.context.error).toMatch(/without a result/);
    });

    it('should fail loudly when no analysis was provided', async () => {
      const actor = createActor(statsAnalysisMachine).start();
      for (const event of toRunning) actor.send(event);
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'running');
      expect(back.context.error).toContain('No runAnalysis actor provided');
    });
  });
});
