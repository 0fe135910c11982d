import { exampleDataset } from '@chatflow/machines';
import type { SeededRandom } from './seededRandom.ts';

/** What a user of an ML training session does next. */
export type TrainingMove =
  | { kind: 'start' }
  | { kind: 'send'; event: { type: string; [field: string]: unknown } }
  | { kind: 'wait' };

/** How often the user goes back or cancels instead of answering the step. */
export interface TrainingDetours {
  /** @default 0 */
  back?: number;
  /** @default 0 */
  cancel?: number;
}

const featureChoices = [['rooms', 'area'], ['area'], ['rooms', 'area', 'city'], ['city']];

/**
 * The next move of a user walking through ML training, from the step the session is at:
 * start a workflow when none runs, answer the step (seeded choices), sometimes go back
 * or cancel, and wait while the model trains.
 *
 * @example
 * ```ts
 * const move = nextTrainingMove(view.workflow, random, { back: 0.1 });
 * ```
 */
export function nextTrainingMove(
  workflow: { state: string; done: boolean } | null,
  random: SeededRandom,
  detours: TrainingDetours = {},
): TrainingMove {
  if (workflow === null || workflow.done) return { kind: 'start' };
  const state = workflow.state;
  if (state === 'training') return { kind: 'wait' };
  if (random.chance(detours.cancel ?? 0)) return { kind: 'send', event: { type: 'cancel' } };
  if (state !== 'awaiting_data' && random.chance(detours.back ?? 0)) {
    return { kind: 'send', event: { type: 'back' } };
  }
  switch (state) {
    case 'awaiting_data':
      return { kind: 'send', event: { type: 'data.uploaded', dataset: exampleDataset() } };
    case 'selecting_target':
      return { kind: 'send', event: { type: 'target.selected', column: 'price' } };
    case 'selecting_features':
      return {
        kind: 'send',
        event: { type: 'features.selected', columns: random.pick(featureChoices) },
      };
    case 'confirming_model':
      return {
        kind: 'send',
        event: {
          type: 'model.confirmed',
          modelType: random.pick(['linear_regression', 'random_forest_regression']),
        },
      };
    default:
      throw new Error(`no move for ML training step ${state}`);
  }
}
