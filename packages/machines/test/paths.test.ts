import { describe, expect, it } from 'vitest';
import {
  type DatasetInfo,
  dataExplorationMachine,
  exampleDataset,
  exampleModels,
  mlPredictionMachine,
  mlTrainingMachine,
  modelTypes,
  statsAnalysisMachine,
} from '../src/index.ts';
import { createPathTests, invokeEvents, type PathEvents } from '../src/testing/index.ts';

/** The example data set with other metadata: another id and name, and the given changes. */
function variantOf(id: string, changes: Partial<DatasetInfo>): DatasetInfo {
  return { ...exampleDataset(), id, name: `${id}.csv`, ...changes };
}

const houses = exampleDataset();
const noRows = variantOf('no-rows', { rowCount: 0 });
const oneColumn = variantOf('one-column', { columns: [{ name: 'price', type: 'number' }] });
const textOnly = variantOf('text-only', {
  columns: [
    { name: 'city', type: 'string' },
    { name: 'street', type: 'string' },
  ],
});
const oneNumeric = variantOf('one-numeric', {
  columns: [
    { name: 'price', type: 'number' },
    { name: 'city', type: 'string' },
  ],
});
const noColumns = variantOf('no-columns', { columns: [] });
const uploaded = (...datasets: DatasetInfo[]) =>
  datasets.map((dataset) => ({ type: 'data.uploaded' as const, dataset }));
const failure = new Error('the worker ran out of memory');

const mlTrainingEvents: PathEvents<typeof mlTrainingMachine> = {
  'data.uploaded': uploaded(houses, noRows, oneColumn),
  // A numeric target (regression), a boolean one (classification), and no such column.
  'target.selected': [
    { type: 'target.selected', column: 'price' },
    { type: 'target.selected', column: 'sold' },
    { type: 'target.selected', column: 'colour' },
  ],
  'features.selected': ({ context }) => {
    const others = (context.dataset?.columns ?? [])
      .map((column) => column.name)
      .filter((name) => name !== context.target && name !== 'sold' && name !== 'price');
    return [
      { type: 'features.selected', columns: others },
      { type: 'features.selected', columns: [...others, context.target ?? 'price'] },
      { type: 'features.selected', columns: [] },
      { type: 'features.selected', columns: ['colour'] },
    ];
  },
  // Every model type (two suit a numeric target, two the others) and an unknown one.
  'model.confirmed': [
    ...modelTypes.map((modelType) => ({
      type: 'model.confirmed' as const,
      modelType: modelType.id,
    })),
    { type: 'model.confirmed', modelType: 'gradient_boosting' as never },
  ],
  ...invokeEvents(mlTrainingMachine, {
    training: {
      output: [{ modelId: 'model-1', metrics: { r2: 0.81 } }, { metrics: { r2: 0.81 } }],
      error: [failure],
    },
  }),
};

const mlPredictionEvents: PathEvents<typeof mlPredictionMachine> = {
  'model.selected': ({ context }) => [
    ...context.models.map((model) => ({ type: 'model.selected' as const, modelId: model.modelId })),
    { type: 'model.selected', modelId: 'model-unknown' },
  ],
  // The example data set has every feature of both models; text-only lacks them, no-rows is empty.
  'data.uploaded': uploaded(houses, textOnly, noRows),
  ...invokeEvents(mlPredictionMachine, {
    prediction: {
      output: [{ rowCount: 3, preview: [101_000, 98_500, 120_250] }, { rows: 3 }],
      error: [failure],
    },
  }),
};

const statsAnalysisEvents: PathEvents<typeof statsAnalysisMachine> = {
  'data.uploaded': uploaded(houses, oneNumeric, textOnly, noRows),
  'analysis.selected': [
    { type: 'analysis.selected', analysis: 'descriptive' },
    { type: 'analysis.selected', analysis: 't_test' },
    { type: 'analysis.selected', analysis: 'anova' as never },
  ],
  // Two distinct numeric columns, one, a text column, a repeated column, none.
  'columns.selected': [
    { type: 'columns.selected', columns: ['price', 'rooms'] },
    { type: 'columns.selected', columns: ['price'] },
    { type: 'columns.selected', columns: ['city'] },
    { type: 'columns.selected', columns: ['price', 'price'] },
    { type: 'columns.selected', columns: [] },
  ],
  ...invokeEvents(statsAnalysisMachine, {
    analysis: {
      output: [{ mean: { price: 251_000 } }, undefined],
      error: [failure],
    },
  }),
};

const dataExplorationEvents: PathEvents<typeof dataExplorationMachine> = {
  'data.uploaded': uploaded(houses, noColumns, noRows),
  explore: [
    { type: 'explore', command: 'schema' },
    { type: 'explore', command: 'histogram', column: 'price' },
    { type: 'explore', command: 'histogram', column: 'city' },
    { type: 'explore', command: 'value_counts' },
    { type: 'explore', command: 'value_counts', column: 'colour' },
    { type: 'explore', command: 'pivot' as never },
  ],
  ...invokeEvents(dataExplorationMachine, {
    exploration: {
      output: [{ columns: 5 }, undefined],
      error: [failure],
    },
  }),
};

const suites = [
  {
    name: 'mlTrainingMachine',
    tests: createPathTests(mlTrainingMachine, { events: mlTrainingEvents }),
  },
  {
    name: 'mlPredictionMachine',
    tests: createPathTests(mlPredictionMachine, {
      events: mlPredictionEvents,
      input: { models: exampleModels() },
    }),
  },
  {
    name: 'statsAnalysisMachine',
    tests: createPathTests(statsAnalysisMachine, { events: statsAnalysisEvents }),
  },
  {
    name: 'dataExplorationMachine',
    tests: createPathTests(dataExplorationMachine, { events: dataExplorationEvents }),
  },
];

for (const { name, tests } of suites) {
  const { paths, coverage } = tests;

  describe(name, () => {
    describe.each(paths)('%s', (path) => {
      it('replays against a real actor, restored from JSON after every step', () => path.run());
    });

    it(`covers 100% of transitions (${coverage.covered}/${coverage.total} edges)`, () => {
      expect(coverage.missing).toEqual([]);
      expect(coverage.covered).toBe(coverage.total);
    });
  });
}
