import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { exampleDataset, exampleModels } from '../src/fixtures.ts';
import {
  type MlPredictionEvent,
  mlPredictionMachine,
  mlPredictionRefusals,
  type PredictionResult,
  type PredictWithModelInput,
} from '../src/mlPredictionMachine.ts';
import type { ModelRecord } from '../src/types.ts';
import { type Deferred, deferred, watchErrors } from './support.ts';

const toPredicting: MlPredictionEvent[] = [
  { type: 'model.selected', modelId: 'model-price' },
  { type: 'data.uploaded', dataset: exampleDataset() },
];

/** Starts ML prediction with the example models and a predictor the test settles. */
function start(events: MlPredictionEvent[] = [], models: unknown = exampleModels()) {
  const calls: PredictWithModelInput[] = [];
  const pending: Deferred<PredictionResult>[] = [];
  const machine = mlPredictionMachine.provide({
    actors: {
      predictWithModel: fromPromise<PredictionResult, PredictWithModelInput>(({ input }) => {
        calls.push(input);
        const next = deferred<PredictionResult>();
        pending.push(next);
        return next.promise;
      }),
    },
  });
  const actor = createActor(machine, { input: { models: models as ModelRecord[] } });
  const errors = watchErrors(actor);
  actor.start();
  for (const event of events) actor.send(event);
  return { actor, errors, calls, pending };
}

describe('mlPredictionMachine', () => {
  it('should predict with the chosen model and output the summary', async () => {
    const { actor, calls, pending, errors } = start(toPredicting);
    expect(actor.getSnapshot().value).toBe('predicting');
    expect(calls).toEqual([{ model: exampleModels()[0], dataset: exampleDataset() }]);
    pending[0]?.resolve({ rowCount: 120, preview: [310_000, 295_000] });
    const done = await waitFor(actor, (snapshot) => snapshot.status === 'done');
    expect(done.value).toBe('complete');
    expect(done.output).toEqual({ rowCount: 120, preview: [310_000, 295_000] });
    expect(errors).toEqual([]);
  });

  it('should keep only the well-formed models of its input', () => {
    const { actor } = start([], [exampleModels()[1], { modelId: 3 }, 'model', null]);
    expect(actor.getSnapshot().context.models).toEqual([exampleModels()[1]]);
  });

  it('should start with no models when the input has none', () => {
    const actor = createActor(mlPredictionMachine).start();
    expect(actor.getSnapshot().context.models).toEqual([]);
    expect(actor.getSnapshot().value).toBe('selecting_model');
  });

  it('should carry a description and a prompt on every state, and its version', () => {
    expect(mlPredictionMachine.id).toBe('mlPrediction');
    expect(mlPredictionMachine.root.meta).toEqual({ version: 1 });
    for (const state of Object.values(mlPredictionMachine.states)) {
      expect(state.description, state.key).toMatch(/\w/);
      expect(state.meta?.prompt, state.key).toMatch(/\w/);
    }
  });

  it('should step back one state at a time, clearing the choice being revisited', () => {
    const { actor } = start(toPredicting);
    actor.send({ type: 'back' });
    expect(actor.getSnapshot().value).toBe('awaiting_data');
    expect(actor.getSnapshot().context).toMatchObject({
      dataset: null,
      selectedModelId: 'model-price',
    });
    actor.send({ type: 'back' });
    expect(actor.getSnapshot().value).toBe('selecting_model');
    expect(actor.getSnapshot().context.selectedModelId).toBeNull();
    expect(actor.getSnapshot().can({ type: 'back' })).toBe(false);
  });

  it.each([0, 1, 2])('should end as cancelled from step %i', (steps) => {
    const { actor } = start(toPredicting.slice(0, steps));
    actor.send({ type: 'cancel' });
    expect(actor.getSnapshot().value).toBe('cancelled');
    expect(actor.getSnapshot().output).toBeNull();
  });

  describe('refusals', () => {
    function refuse(prefix: MlPredictionEvent[], event: MlPredictionEvent, models?: unknown) {
      const { actor, errors } = start(prefix, models);
      const before = actor.getSnapshot();
      actor.send(event);
      expect(actor.getSnapshot().value).toBe(before.value);
      expect(actor.getSnapshot().context).toEqual(before.context);
      expect(errors).toEqual([]);
      return { context: before.context, event };
    }

    it('should refuse a model that is not one of the session (isKnownModel)', () => {
      const args = refuse([], { type: 'model.selected', modelId: 'other' });
      expect(mlPredictionRefusals.isKnownModel(args)).toBe(
        '"other" is not one of your models. Choose one of: model-price (linear_regression of price), model-sold (logistic_regression of sold).',
      );
    });

    it('should say to train a model first when there is none', () => {
      const args = refuse([], { type: 'model.selected', modelId: 'model-price' }, []);
      expect(mlPredictionRefusals.isKnownModel(args)).toMatch(/train one first/);
    });

    it("should refuse data without the model's features (coversModelFeatures)", () => {
      const dataset = {
        ...exampleDataset(),
        name: 'new.csv',
        columns: [{ name: 'rooms', type: 'number' as const }],
      };
      const args = refuse(toPredicting.slice(0, 1), { type: 'data.uploaded', dataset });
      expect(mlPredictionRefusals.coversModelFeatures(args)).toBe(
        "new.csv lacks the model's feature columns area. Please upload a CSV or Excel file with at least one row and the columns rooms, area.",
      );
    });

    it('should refuse data without rows', () => {
      const args = refuse(toPredicting.slice(0, 1), {
        type: 'data.uploaded',
        dataset: { ...exampleDataset(), rowCount: 0 },
      });
      expect(mlPredictionRefusals.coversModelFeatures(args)).toMatch(/has no rows/);
    });
  });

  describe('invoked prediction', () => {
    it('should keep the error and return to awaiting_data when the predictor fails', async () => {
      const { actor, pending } = start(toPredicting);
      pending[0]?.reject(new Error('model file missing'));
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'predicting');
      expect(back.value).toBe('awaiting_data');
      expect(back.context.error).toBe('model file missing');
      expect(back.context.dataset).toBeNull();
      actor.send({ type: 'data.uploaded', dataset: exampleDataset() });
      expect(actor.getSnapshot().context.error).toBeNull();
    });

    it('should treat a summary without rowCount as a failure', async () => {
      const { actor, pending } = start(toPredicting);
      pending[0]?.resolve({ preview: [] } as unknown as PredictionResult);
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'predicting');
      expect(back.value).toBe('awaiting_data');
      expect(back.context.error).toMatch(/rowCount/);
    });

    it('should fail loudly when no predictor was provided', async () => {
      const actor = createActor(mlPredictionMachine, { input: { models: exampleModels() } });
      actor.start();
      for (const event of toPredicting) actor.send(event);
      const back = await waitFor(actor, (snapshot) => snapshot.value !== 'predicting');
      expect(back.context.error).toContain('No predictWithModel actor provided');
    });
  });
});
