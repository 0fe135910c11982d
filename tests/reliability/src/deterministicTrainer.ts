import type { TrainModelInput, TrainModelOutput } from '@chatflow/machines';
import { fromPromise } from 'xstate';

/** Options of {@link createDeterministicTrainer}. */
export interface DeterministicTrainerOptions {
  /**
   * How long a training run takes, in milliseconds of real time.
   * @default 0
   */
  delayMs?: number;
  /** Called when a run starts, with its input. */
  onRun?: (input: TrainModelInput) => void;
}

/** The model id a run with this input always produces. */
export function modelIdOf(input: TrainModelInput): string {
  return `model-${input.dataset.id}-${input.target}-${[...input.features].sort().join('+')}-${input.modelType}`;
}

/**
 * A `trainModel` actor whose result depends only on its input: the same input always
 * gives the same model id and scores, so a run that is repeated after a crash is
 * indistinguishable from the first.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ workflows, actors: { trainModel: createDeterministicTrainer({ delayMs: 10 }) } });
 * ```
 */
export function createDeterministicTrainer(options: DeterministicTrainerOptions = {}) {
  const delayMs = options.delayMs ?? 0;
  return fromPromise<TrainModelOutput, TrainModelInput>(async ({ input, signal }) => {
    options.onRun?.(input);
    if (delayMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('training stopped'));
        });
      });
    }
    return {
      modelId: modelIdOf(input),
      metrics: { r2: input.features.length / 10, features: input.features.length },
    };
  });
}
