/**
 * The ML training steps as a bot developer writes them without chatflow: the prompts,
 * the checks a guard would make, and the instant trainer. Both hand-written grammY
 * baselines (conversations, `session()`) use these, so they do the same work.
 */
import { benchDataset } from '../workload.ts';

/** What the bot says at each step. */
export const trainingPrompts = {
  awaiting_data: 'Upload a CSV file with your data.',
  selecting_target: 'Which column should the model predict?',
  selecting_features: 'Which columns should it learn from? Separate them with commas.',
  confirming_model: 'Which model type? linear_regression or random_forest_regression.',
  training: 'Training the model...',
  complete: 'The model is trained.',
} as const;

/** Metadata of the uploaded data set (the CSV parse itself is outside the benchmark). */
export type Dataset = typeof benchDataset;

/** The data set a document stands for. */
export function datasetOf(fileName: string | undefined): Dataset | undefined {
  return fileName?.endsWith('.csv') ? benchDataset : undefined;
}

function columnOf(dataset: Dataset, name: string) {
  return dataset.columns.find((column) => column.name === name);
}

/** The target column named by `text`, when it is a column of the data set. */
export function parseTarget(dataset: Dataset, text: string): string | undefined {
  const name = text.trim();
  return columnOf(dataset, name) ? name : undefined;
}

/** The feature columns listed in `text`: non-empty, columns of the data set, not the target. */
export function parseFeatures(
  dataset: Dataset,
  target: string,
  text: string,
): string[] | undefined {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) return undefined;
  return names.every((name) => name !== target && columnOf(dataset, name)) ? names : undefined;
}

/** The model type named by `text`, when it suits the target's type. */
export function parseModelType(dataset: Dataset, target: string, text: string): string | undefined {
  const numeric = columnOf(dataset, target)?.type === 'number';
  const allowed = numeric
    ? ['linear_regression', 'random_forest_regression']
    : ['logistic_regression', 'random_forest_classification'];
  const name = text.trim();
  return allowed.includes(name) ? name : undefined;
}

/** The trainer the baselines call: resolves at once, as the chatflow side's does. */
export async function trainInstantly(): Promise<{
  modelId: string;
  metrics: Record<string, number>;
}> {
  return { modelId: 'bench-model', metrics: { r2: 1 } };
}
