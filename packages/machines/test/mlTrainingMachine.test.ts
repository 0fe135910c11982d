import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { exampleDataset } from '../src/fixtures.ts';
import {
  type MlTrainingEvent,
  mlTrainingMachine,
  mlTrainingRefusals,
  type TrainModelInput,
  type TrainModelOutput,
} from '../src/mlTrainingMachine.ts';
import { type Deferred, deferred, watchErrors } from './support.ts';

const toConfirming: MlTrainingEvent[] = [
  { type: 'data.uploaded', dataset: exampleDataset() },
  { type: 'target.selected', column: 'price' },
  { type: 'features.selected', columns: ['rooms', 'area'] },
];

/** Starts ML training with a trainer that settles when the test says, and sends `events`. */
function start(events: MlTrainingEvent[] = []) {
  const calls: TrainModelInput[] = [];
  const pending: Deferred<TrainModelOutput>[] = [];
  const machine = mlTrainingMachine.provide({
    actors: {
      trainModel: fromPromise<TrainModelOutput, TrainModelInput>(({ input }) => {
        calls.push(input);
        const next = deferred<TrainModelOutput>();
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

describe('mlTrainingMachine', () => {
  it('should walk from upload to a trained model and output its record', async () => {
    const { actor, errors, calls, pending } = start(toConfirming);
    expect(actor.getSnapshot().value).toBe('confirming_model');
    actor.send({ type: 'model.confirmed', modelType: 'random_forest_regression' });
    expect(actor.getSnapshot().value).toBe('training');
    expect(calls).toEqual([
      {
        dataset: exampleDataset(),
        target: 'price',
        features: ['rooms', 'area'],
        modelType: 'random_forest_regression',
      },
    ]);
    pending[0]?.resolve({ modelId: 'm-7', metrics: { r2: 0.9 }, trainedRows: 96 });
    const done = await waitFor(actor, (snapshot) => snapshot.status === 'done');
    expect(done.value).toBe('complete');
    expect(done.output).toEqual({
      modelId: 'm-7',
      modelType: 'random_forest_regression',
      target: 'price',
      features: ['rooms', 'area'],
      metrics: { r2: 0.9 },
      datasetId: 'ds-1',
    });
    expect(done.context.model).toEqual(done.output);
    expect(errors).toEqual([]);
  });

  it('should train a classification model for a non-numeric target', () => {
    const { actor } = start([
      { type: 'data.uploaded', dataset: exampleDataset() },
      { type: 'target.selected', column: 'city' },
      { type: 'features.selected', columns: ['price', 'sold'] },
      { type: 'model.confirmed', modelType: 'logistic_regression' },
    ]);
    expect(actor.getSnapshot().value).toBe('training');
    expect(actor.getSnapshot().context.modelType).toBe('logistic_regression');
  });

  it('should carry a description and a prompt on every state, and its version', () => {
    expect(mlTrainingMachine.id).toBe('mlTraining');
    expect(mlTrainingMachine.root.meta).toEqual({ version: 1 });
    for (const state of Object.values(mlTrainingMachine.states)) {
      expect(state.description, state.key).toMatch(/\w/);
      expect(state.meta?.prompt, state.key).toMatch(/\w/);
    }
    expect(mlTrainingMachine.states.awaiting_data?.meta?.prompt).toBe(
      'Please upload a CSV or Excel file with your data.',
    );
  });

  describe('back', () => {
    it('should not be accepted in the first step', () => {
      const { actor } = start();
      expect(actor.getSnapshot().can({ type: 'back' })).toBe(false);
      actor.send({ type: 'back' });
      expect(actor.getSnapshot().value).toBe('awaiting_data');
    });

    it('should step back one state at a time, clearing the choice being revisited', () => {
      const { actor } = start([
        ...toConfirming,
        { type: 'model.confirmed', modelType: 'linear_regression' },
      ]);
      const steps: [string, Record<string, unknown>][] = [
        ['confirming_model', { modelType: null, features: ['rooms', 'area'] }],
        ['selecting_features', { features: [], target: 'price' }],
        ['selecting_target', { target: null, dataset: exampleDataset() }],
        ['awaiting_data', { dataset: null }],
      ];
      for (const [state, context] of steps) {
        actor.send({ type: 'back' });
        expect(actor.getSnapshot().value).toBe(state);
        expect(actor.getSnapshot().context).toMatchObject(context);
      }
    });

    it('should stop the trainer when leaving training, so a late result changes nothing', async () => {
      const { actor, pending } = start([
        ...toConfirming,
        { type: 'model.confirmed', modelType: 'linear_regression' },
      ]);
      actor.send({ type: 'back' });
      pending[0]?.resolve({ modelId: 'late', metrics: {} });
      await pending[0]?.promise;
      await Promise.resolve();
      expect(actor.getSnapshot().value).toBe('confirming_model');
      expect(actor.getSnapshot().context.model).toBeNull();
    });
  });

  describe('cancel', () => {
    it.each([0, 1, 2, 3, 4])('should end as cancelled from step %i with a null output', (steps) => {
      const events: MlTrainingEvent[] = [
        ...toConfirming,
        { type: 'model.confirmed', modelType: 'linear_regression' },
      ];
      const { actor } = start(events.slice(0, steps));
      actor.send({ type: 'cancel' });
      const snapshot = actor.getSnapshot();
      expect(snapshot.value).toBe('cancelled');
      expect(snapshot.status).toBe('done');
      expect(snapshot.output).toBeNull();
    });
  });

  describe('refusals', () => {
    function refuse(prefix: MlTrainingEvent[], event: MlTrainingEvent, guard: string) {
      const { actor, errors } = start(prefix);
      const before = actor.getSnapshot();
      actor.send(event);
      const after = actor.getSnapshot();
      expect(after.value).toBe(before.value);
      expect(after.context).toEqual(before.context);
      expect(errors).toEqual([]);
      const message = mlTrainingRefusals[guard as keyof typeof mlTrainingRefusals];
      return message({ context: after.context, event });
    }

    it('should refuse a data set without rows or with one column (hasUsableDataset)', () => {
      const oneColumn = { ...exampleDataset(), columns: [{ name: 'x', type: 'number' as const }] };
      expect(refuse([], { type: 'data.uploaded', dataset: oneColumn }, 'hasUsableDataset')).toBe(
        'houses.csv has only one column. Please upload a file with at least two columns and one row.',
      );
      const empty = { ...exampleDataset(), rowCount: 0 };
      expect(refuse([], { type: 'data.uploaded', dataset: empty }, 'hasUsableDataset')).toMatch(
        /^houses\.csv has no rows\. .*at least two columns and one row/,
      );
    });

    it('should refuse a target that is not a column (isColumnOfDataset)', () => {
      const message = refuse(
        toConfirming.slice(0, 1),
        { type: 'target.selected', column: 'foo' },
        'isColumnOfDataset',
      );
      expect(message).toBe(
        '"foo" is not a column of houses.csv. Choose one of: price, rooms, area, city, sold.',
      );
    });

    it('should clip long user input in a refusal', () => {
      const message = refuse(
        toConfirming.slice(0, 1),
        { type: 'target.selected', column: 'x'.repeat(10_000) },
        'isColumnOfDataset',
      );
      expect(message).toContain(`"${'x'.repeat(40)}…"`);
      expect(message.length).toBeLessThan(150);
    });

    it.each([
      [[], 'at least one feature'],
      [['price'], '"price" is the target'],
      [['rooms', 'nope'], '"nope" is not a column of houses.csv'],
      [['rooms', 'rooms'], '"rooms" is listed twice'],
    ])('should refuse the features %j (areValidFeatures)', (columns, reason) => {
      const message = refuse(
        toConfirming.slice(0, 2),
        { type: 'features.selected', columns },
        'areValidFeatures',
      );
      expect(message).toContain(reason);
      expect(message).toContain('Choose one or more of: rooms, area, city, sold.');
    });

    it('should refuse a model type that does not exist or does not suit the target (suitsTarget)', () => {
      const unknown = refuse(
        toConfirming,
        { type: 'model.confirmed', modelType: 'xgboost' as 'linear_regression' },
        'suitsTarget',
      );
      expect(unknown).toBe(
        '"xgboost" is not a model type. For the numeric target "price" choose one of: linear_regression, random_forest_regression.',
      );
      const wrongTask = refuse(
        toConfirming,
        { type: 'model.confirmed', modelType: 'logistic_regression' },
        'suitsTarget',
      );
      expect(wrongTask).toContain('logistic_regression is a classification model');
      expect(wrongTask).toContain('choose one of: linear_regression, random_forest_regression');
    });

    it('should refuse a regression model for a string target', () => {
      const message = refuse(
        [
          { type: 'data.uploaded', dataset: exampleDataset() },
          { type: 'target.selected', column: 'city' },
          { type: 'features.selected', columns: ['rooms'] },
        ],
        { type: 'model.confirmed', modelType: 'linear_regression' },
        'suitsTarget',
      );
      expect(message).toContain(
        'For the string target "city" choose one of: logistic_regression, random_forest_classification.',
      );
    });
  });

  describe('invoked training', () => {
    it('should keep the error message and return to confirming_model when the trainer fails', async () => {
      const { actor, pending } = start([
        ...toConfirming,
        { type: 'model.confirmed', modelType: 'linear_regression' },
      ]);
      pending[0]?.reject(new Error('singular matrix'));
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'training');
      expect(back.value).toBe('confirming_model');
      expect(back.context.error).toBe('singular matrix');
      expect(back.context.modelType).toBeNull();
      expect(back.context.features).toEqual(['rooms', 'area']);
      actor.send({ type: 'model.confirmed', modelType: 'linear_regression' });
      expect(actor.getSnapshot().value).toBe('training');
      expect(actor.getSnapshot().context.error).toBeNull();
    });

    it('should treat an output without a model id as a failure', async () => {
      const { actor, pending } = start([
        ...toConfirming,
        { type: 'model.confirmed', modelType: 'linear_regression' },
      ]);
      pending[0]?.resolve({ metrics: { r2: Number.NaN } } as unknown as TrainModelOutput);
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'training');
      expect(back.value).toBe('confirming_model');
      expect(back.context.error).toMatch(/without a model id/);
      expect(back.context.model).toBeNull();
    });

    it('should treat non-numeric metrics as a failure', async () => {
      const { actor, pending } = start([
        ...toConfirming,
        { type: 'model.confirmed', modelType: 'linear_regression' },
      ]);
      pending[0]?.resolve({ modelId: 'm', metrics: { r2: Number.NaN } });
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'training');
      expect(back.value).toBe('confirming_model');
    });

    it('should fail loudly when no trainer was provided', async () => {
      const actor = createActor(mlTrainingMachine);
      const errors = watchErrors(actor);
      actor.start();
      for (const event of toConfirming) actor.send(event);
      actor.send({ type: 'model.confirmed', modelType: 'linear_regression' });
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'training');
      expect(back.value).toBe('confirming_model');
      expect(back.context.error).toContain('No trainModel actor provided');
      expect(back.context.error).toContain('machine.provide({ actors: { trainModel } })');
      expect(errors).toEqual([]);
    });
  });
});
