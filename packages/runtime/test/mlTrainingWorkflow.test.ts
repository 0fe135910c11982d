import { type ModelRecord, type TrainModelInput, workflows } from '@chatflow/machines';
import { tableFromArrays } from 'apache-arrow';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { type AnyActorLogic, fromPromise } from 'xstate';
import { createRuntime } from '../src/createRuntime.ts';
import type { Runtime } from '../src/types.ts';
import { leastSquares } from './support/leastSquares.ts';
import {
  createCapturingLogger,
  createClock,
  createGate,
  nextEvent,
  sampleTable,
  type TestClock,
} from './support/testRuntime.ts';

const key = { userId: 8, conversationId: 'stats-chat' };

/**
 * The host of the real workflows: a least-squares trainer over the session's stored
 * Arrow table, and a predictor applying the fitted coefficients. Fitted models are
 * kept by id, as a bot would keep its model files.
 */
function createHost(store: Keyv, clock: TestClock, gate?: () => Promise<void>) {
  const coefficients = new Map<string, number[]>();
  const counts = { training: 0 };
  let runtime!: Runtime;
  const load = async (system: unknown) => {
    const session = runtime.sessionOf(system);
    if (session === undefined) throw new Error('Unknown session.');
    const table = await runtime.getData(session);
    if (table === undefined) throw new Error('No data stored for this session.');
    return table;
  };
  const trainModel = fromPromise(
    async ({ input, system }: { input: TrainModelInput; system: unknown }) => {
      counts.training += 1;
      await gate?.();
      const table = await load(system);
      const column = (name: string) => Array.from(table.getChild(name)?.toArray() ?? [], Number);
      const features = input.features.map(column);
      const rows = Array.from({ length: table.numRows }, (_, i) => features.map((f) => f[i]!));
      const fit = leastSquares(rows, column(input.target));
      const modelId = `lr-${input.dataset.id.slice(0, 8)}`;
      coefficients.set(modelId, fit.coefficients);
      return { modelId, metrics: { r2: fit.r2 } };
    },
  );
  const predictWithModel = fromPromise(
    async ({ input, system }: { input: { model: ModelRecord }; system: unknown }) => {
      const table = await load(system);
      const fitted = coefficients.get(input.model.modelId);
      if (fitted === undefined) throw new Error('The model is gone.');
      const columns = input.model.features.map((name) =>
        Array.from(table.getChild(name)?.toArray() ?? [], Number),
      );
      const predictions = Array.from({ length: table.numRows }, (_, i) =>
        columns.reduce((sum, values, j) => sum + values[i]! * fitted[j + 1]!, fitted[0]!),
      );
      return {
        rowCount: table.numRows,
        preview: predictions.map((p) => Math.round(p * 1e6) / 1e6),
      };
    },
  );
  runtime = createRuntime({
    workflows,
    store,
    now: clock.now,
    logger: createCapturingLogger().logger,
    actors: {
      trainModel: trainModel as AnyActorLogic,
      predictWithModel: predictWithModel as AnyActorLogic,
    },
  });
  return { runtime, counts };
}

async function toConfirmingModel(runtime: Runtime) {
  await runtime.getOrCreateSession(key);
  expect(await runtime.startWorkflow(key, 'ml_training')).toMatchObject({
    ok: true,
    workflow: 'ml_training',
    state: 'awaiting_data',
  });
  const dataset = await runtime.storeData(key, sampleTable(8), { name: 'houses.csv' });
  expect(await runtime.send(key, { type: 'data.uploaded', dataset })).toMatchObject({
    ok: true,
    state: 'selecting_target',
  });
  expect(await runtime.send(key, { type: 'target.selected', column: 'y' })).toMatchObject({
    ok: true,
    state: 'selecting_features',
  });
  const refused = await runtime.send(key, { type: 'features.selected', columns: ['y', 'x'] });
  expect(refused).toMatchObject({
    ok: false,
    code: 'PREREQUISITE_NOT_MET',
    state: 'selecting_features',
  });
  expect(refused.ok ? '' : refused.message).toContain('target');
  expect(await runtime.send(key, { type: 'features.selected', columns: ['x', 'z'] })).toMatchObject(
    {
      ok: true,
      state: 'confirming_model',
    },
  );
  return dataset;
}

describe('the ML training workflow of @chatflow/machines on the runtime', () => {
  it('should train a real model, keep it in the session and predict with it', async () => {
    const { runtime, counts } = createHost(new Keyv(), createClock());
    const dataset = await toConfirmingModel(runtime);
    const wrongType = await runtime.send(key, {
      type: 'model.confirmed',
      modelType: 'logistic_regression',
    });
    expect(wrongType).toMatchObject({ ok: false, code: 'PREREQUISITE_NOT_MET' });
    expect(wrongType.ok ? '' : wrongType.message).toContain('linear_regression');
    const completed = nextEvent(runtime, 'workflow.completed');
    expect(
      await runtime.send(key, { type: 'model.confirmed', modelType: 'linear_regression' }),
    ).toMatchObject({ ok: true, state: 'training' });
    const done = await completed;
    expect(done).toMatchObject({ workflow: 'ml_training', state: 'complete', source: 'internal' });
    expect(counts.training).toBe(1);
    const view = await runtime.getSession(key);
    expect(view?.models).toEqual([
      {
        modelId: `lr-${dataset.id.slice(0, 8)}`,
        modelType: 'linear_regression',
        target: 'y',
        features: ['x', 'z'],
        metrics: { r2: expect.closeTo(1, 9) },
        datasetId: dataset.id,
      },
    ]);
    expect(done.output).toEqual(view?.models[0]);

    const started = await runtime.startWorkflow(key, 'ml_prediction');
    expect(started).toMatchObject({ ok: true, state: 'selecting_model' });
    expect(
      await runtime.send(key, { type: 'model.selected', modelId: view!.models[0]!.modelId }),
    ).toMatchObject({ ok: true, state: 'awaiting_data' });
    const fresh = tableFromArrays({ x: Float64Array.from([10, 20]), z: Float64Array.from([1, 0]) });
    const upload = await runtime.storeData(key, fresh, { name: 'new.csv' });
    const predicted = nextEvent(runtime, 'workflow.completed');
    expect(await runtime.send(key, { type: 'data.uploaded', dataset: upload })).toMatchObject({
      ok: true,
      state: 'predicting',
    });
    expect((await predicted).output).toMatchObject({ rowCount: 2, preview: [24, 41] });
    expect((await runtime.getSession(key))?.models).toHaveLength(1);
    await runtime.shutdown();
  });

  it('should cancel the training with the machine own cancel event', async () => {
    const { runtime } = createHost(new Keyv(), createClock());
    await toConfirmingModel(runtime);
    const cancelled = nextEvent(runtime, 'workflow.cancelled');
    expect(await runtime.send(key, { type: 'cancel' })).toMatchObject({
      ok: true,
      state: 'cancelled',
      done: true,
    });
    expect(await cancelled).toMatchObject({ reason: 'event', state: 'confirming_model' });
    expect((await runtime.getSession(key))?.models).toEqual([]);
  });

  it('should resume the training in a new runtime after a restart mid-training', async () => {
    const store = new Keyv();
    const clock = createClock();
    const stuck = createGate();
    const first = createHost(store, clock, stuck.wait);
    await toConfirmingModel(first.runtime);
    await first.runtime.send(key, { type: 'model.confirmed', modelType: 'linear_regression' });
    expect(first.counts.training).toBe(1);
    await first.runtime.shutdown();

    const second = createHost(store, clock);
    const completed = nextEvent(second.runtime, 'workflow.completed');
    const view = await second.runtime.getOrCreateSession(key);
    expect(view.workflow).toMatchObject({ type: 'ml_training', state: 'training' });
    await completed;
    expect(second.counts.training).toBe(1);
    expect((await second.runtime.getSession(key))?.models).toHaveLength(1);
    await second.runtime.shutdown();
  });
});
