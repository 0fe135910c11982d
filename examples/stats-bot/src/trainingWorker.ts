/**
 * The worker thread that trains models, so a long training never blocks the bot's
 * event loop (other users keep chatting). It receives a {@link TrainingJob} and answers
 * with a {@link TrainingJobResult}; see `trainInWorker`.
 */
import { parentPort } from 'node:worker_threads';
import { tableFromIPC } from 'apache-arrow';
import { AnalyticsError } from './analytics/AnalyticsError.ts';
import { formatTrainResult, trainModel } from './analytics/trainModel.ts';
import type { TrainingJob, TrainingJobResult } from './trainInWorker.ts';

/** Trains one model as the job says; failures become an `ok: false` answer. */
export function runTrainingJob(job: TrainingJob): TrainingJobResult {
  try {
    const table = tableFromIPC(job.ipc);
    const result = trainModel({
      table,
      target: job.target,
      features: job.features,
      modelType: job.modelType,
      seed: job.seed,
      ...(job.modelId === undefined ? {} : { modelId: job.modelId }),
    });
    return {
      ok: true,
      modelId: result.modelId,
      metrics: result.metrics,
      model: result.model,
      summary: formatTrainResult(result),
    };
  } catch (error) {
    const message =
      error instanceof AnalyticsError
        ? error.message
        : `Training failed: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, message };
  }
}

parentPort?.once('message', (job: TrainingJob) => {
  parentPort?.postMessage(runTrainingJob(job));
});
