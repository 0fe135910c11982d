import type { ModelTask, ModelTypeId } from '@chatflow/machines';

const tasks: Record<ModelTypeId, ModelTask> = {
  linear_regression: 'regression',
  random_forest_regression: 'regression',
  logistic_regression: 'classification',
  random_forest_classification: 'classification',
};

/** The model type ids this module trains. */
export const modelTypeIds = Object.keys(tasks) as ModelTypeId[];

/** Whether a string is one of the {@link modelTypeIds}. */
export function isModelTypeId(value: string): value is ModelTypeId {
  return Object.hasOwn(tasks, value);
}

/**
 * The task a model type solves: `regression` (numeric target) for `linear_regression`
 * and `random_forest_regression`, `classification` for `logistic_regression` and
 * `random_forest_classification`.
 *
 * @example
 * ```ts
 * modelTaskOf('random_forest_classification'); // 'classification'
 * ```
 */
export function modelTaskOf(modelType: ModelTypeId): ModelTask {
  return tasks[modelType];
}
