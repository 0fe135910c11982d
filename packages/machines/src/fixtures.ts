import type { DatasetInfo, ModelRecord } from './types.ts';

/**
 * A small data set description to build events with in tests and examples: houses
 * with three numeric columns (`price`, `rooms`, `area`), a string column (`city`) and
 * a boolean column (`sold`), 120 rows. A fresh object on every call.
 *
 * @returns the data set `ds-1`, `houses.csv`
 * @example
 * ```ts
 * actor.send({ type: 'data.uploaded', dataset: exampleDataset() });
 * ```
 */
export function exampleDataset(): DatasetInfo {
  return {
    id: 'ds-1',
    name: 'houses.csv',
    columns: [
      { name: 'price', type: 'number' },
      { name: 'rooms', type: 'number' },
      { name: 'area', type: 'number' },
      { name: 'city', type: 'string' },
      { name: 'sold', type: 'boolean' },
    ],
    rowCount: 120,
  };
}

/**
 * Two trained models of {@link exampleDataset}: a linear regression of `price` and a
 * logistic regression of `sold`. Fresh objects on every call.
 *
 * @returns the models `model-price` and `model-sold`
 * @example
 * ```ts
 * const actor = createActor(mlPredictionMachine, { input: { models: exampleModels() } });
 * ```
 */
export function exampleModels(): ModelRecord[] {
  return [
    {
      modelId: 'model-price',
      modelType: 'linear_regression',
      target: 'price',
      features: ['rooms', 'area'],
      metrics: { r2: 0.82, rmse: 41_000 },
      datasetId: 'ds-1',
    },
    {
      modelId: 'model-sold',
      modelType: 'logistic_regression',
      target: 'sold',
      features: ['price', 'city'],
      metrics: { accuracy: 0.77 },
      datasetId: 'ds-1',
    },
  ];
}
