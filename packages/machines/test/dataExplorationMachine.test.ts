import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import {
  type DataExplorationEvent,
  dataExplorationMachine,
  dataExplorationRefusals,
  type RunExplorationInput,
} from '../src/dataExplorationMachine.ts';
import { exampleDataset } from '../src/fixtures.ts';
import type { JsonValue } from '../src/types.ts';
import { type Deferred, deferred, watchErrors } from './support.ts';

const toExploring: DataExplorationEvent[] = [{ type: 'data.uploaded', dataset: exampleDataset() }];

/** Starts data exploration with commands the test settles, and sends `events`. */
function start(events: DataExplorationEvent[] = []) {
  const calls: RunExplorationInput[] = [];
  const pending: Deferred<JsonValue>[] = [];
  const machine = dataExplorationMachine.provide({
    actors: {
      runExploration: fromPromise<JsonValue, RunExplorationInput>(({ input }) => {
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

describe('dataExplorationMachine', () => {
  it('should run commands one at a time, keep the last result and output it when done', async () => {
    const { actor, calls, pending, errors } = start(toExploring);
    actor.send({ type: 'explore', command: 'histogram', column: 'area' });
    expect(actor.getSnapshot().value).toBe('running');
    expect(actor.getSnapshot().can({ type: 'explore', command: 'head' })).toBe(false);
    pending[0]?.resolve({ bins: [1, 4, 2] });
    let snapshot = await waitFor(actor, (current) => current.value === 'exploring');
    expect(snapshot.context.result).toEqual({
      command: 'histogram',
      column: 'area',
      output: { bins: [1, 4, 2] },
    });
    expect(snapshot.context.command).toBeNull();
    actor.send({ type: 'explore', command: 'schema' });
    pending[1]?.resolve(['price', 'rooms']);
    snapshot = await waitFor(actor, (current) => current.value === 'exploring');
    expect(calls).toEqual([
      { dataset: exampleDataset(), command: 'histogram', column: 'area' },
      { dataset: exampleDataset(), command: 'schema' },
    ]);
    actor.send({ type: 'done' });
    expect(actor.getSnapshot().value).toBe('complete');
    expect(actor.getSnapshot().output).toEqual({
      command: 'schema',
      column: null,
      output: ['price', 'rooms'],
    });
    expect(errors).toEqual([]);
  });

  it('should carry a description and a prompt on every state, and its version', () => {
    expect(dataExplorationMachine.id).toBe('dataExploration');
    expect(dataExplorationMachine.root.meta).toEqual({ version: 1 });
    for (const state of Object.values(dataExplorationMachine.states)) {
      expect(state.description, state.key).toMatch(/\w/);
      expect(state.meta?.prompt, state.key).toMatch(/\w/);
    }
  });

  it('should step back from running to exploring and from exploring to awaiting_data', () => {
    const { actor } = start([...toExploring, { type: 'explore', command: 'head' }]);
    actor.send({ type: 'back' });
    expect(actor.getSnapshot().value).toBe('exploring');
    expect(actor.getSnapshot().context.command).toBeNull();
    actor.send({ type: 'back' });
    expect(actor.getSnapshot().value).toBe('awaiting_data');
    expect(actor.getSnapshot().context.dataset).toBeNull();
    expect(actor.getSnapshot().can({ type: 'back' })).toBe(false);
  });

  it.each([0, 1, 2])('should end as cancelled from step %i', (steps) => {
    const events: DataExplorationEvent[] = [...toExploring, { type: 'explore', command: 'head' }];
    const { actor } = start(events.slice(0, steps));
    actor.send({ type: 'cancel' });
    expect(actor.getSnapshot().value).toBe('cancelled');
    expect(actor.getSnapshot().output).toBeNull();
  });

  describe('refusals', () => {
    function refuse(prefix: DataExplorationEvent[], event: DataExplorationEvent) {
      const { actor, errors } = start(prefix);
      const before = actor.getSnapshot();
      actor.send(event);
      expect(actor.getSnapshot().value).toBe(before.value);
      expect(actor.getSnapshot().context).toEqual(before.context);
      expect(errors).toEqual([]);
      return { context: before.context, event };
    }

    it('should refuse a data set without rows (hasUsableDataset)', () => {
      const args = refuse([], {
        type: 'data.uploaded',
        dataset: { ...exampleDataset(), rowCount: 0 },
      });
      expect(dataExplorationRefusals.hasUsableDataset(args)).toBe(
        'houses.csv has no rows. Please upload a file with at least one column and one row.',
      );
    });

    it.each([
      [{ command: 'plot' }, '"plot" is not a command. Choose one of: schema, head, summary'],
      [{ command: 'value_counts' }, 'value_counts needs a column. Choose one of: price, rooms'],
      [
        { command: 'histogram' },
        'histogram needs a numeric column. Choose one of: price, rooms, area.',
      ],
      [{ command: 'histogram', column: 'city' }, '"city" is not numeric'],
      [{ command: 'summary', column: 'zip' }, '"zip" is not a column of houses.csv'],
    ])('should refuse %j (isRunnableCommand)', (payload, reason) => {
      const args = refuse(toExploring, { type: 'explore', ...payload } as DataExplorationEvent);
      expect(dataExplorationRefusals.isRunnableCommand(args)).toContain(reason);
    });

    it('should accept value_counts of a string column and summary of the whole data set', () => {
      const { actor } = start([
        ...toExploring,
        { type: 'explore', command: 'value_counts', column: 'city' },
      ]);
      expect(actor.getSnapshot().value).toBe('running');
      actor.send({ type: 'back' });
      actor.send({ type: 'explore', command: 'summary' });
      expect(actor.getSnapshot().value).toBe('running');
    });
  });

  describe('invoked exploration', () => {
    it('should keep the error and return to exploring when a command fails', async () => {
      const { actor, pending } = start([...toExploring, { type: 'explore', command: 'missing' }]);
      pending[0]?.reject(new Error('table not loaded'));
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'running');
      expect(back.value).toBe('exploring');
      expect(back.context.error).toBe('table not loaded');
      expect(back.context.command).toBeNull();
      actor.send({ type: 'explore', command: 'head' });
      expect(actor.getSnapshot().context.error).toBeNull();
    });

    it('should treat an empty result as a failure', async () => {
      const { actor, pending } = start([...toExploring, { type: 'explore', command: 'head' }]);
      pending[0]?.resolve(null);
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'running');
      expect(back.context.error).toMatch(/without a result/);
      expect(back.context.result).toBeNull();
    });

    it('should fail loudly when no exploration was provided', async () => {
      const actor = createActor(dataExplorationMachine).start();
      actor.send({ type: 'data.uploaded', dataset: exampleDataset() });
      actor.send({ type: 'explore', command: 'head' });
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'running');
      expect(back.context.error).toContain('No runExploration actor provided');
    });
  });
});
