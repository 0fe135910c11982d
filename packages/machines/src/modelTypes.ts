import type { ModelTask, ModelType, ModelTypeId } from './types.ts';

/**
 * The model types ML training offers: two regression models for a numeric target,
 * two classification models for any other target.
 */
export const modelTypes: readonly ModelType[] = [
  { id: 'linear_regression', task: 'regression', label: 'Linear regression' },
  { id: 'random_forest_regression', task: 'regression', label: 'Random forest (regression)' },
  { id: 'logistic_regression', task: 'classification', label: 'Logistic regression' },
  {
    id: 'random_forest_classification',
    task: 'classification',
    label: 'Random forest (classification)',
  },
];

/**
 * Finds a model type of the {@link modelTypes} catalogue by id.
 *
 * @param id - the requested id, untrusted
 * @returns the model type, or `undefined` when the id is not in the catalogue
 */
export function findModelType(id: unknown): ModelType | undefined {
  return modelTypes.find((modelType) => modelType.id === id);
}

/**
 * The task a target column calls for: regression for a numeric column,
 * classification for any other.
 *
 * @param columnType - the target column's type
 * @returns the task
 */
export function taskForColumnType(columnType: string): ModelTask {
  return columnType === 'number' ? 'regression' : 'classification';
}

/**
 * The ids of the model types that solve a task.
 *
 * @param task - the task
 * @returns the matching ids, in catalogue order
 */
export function modelTypeIdsFor(task: ModelTask): ModelTypeId[] {
  return modelTypes.filter((modelType) => modelType.task === task).map((modelType) => modelType.id);
}
