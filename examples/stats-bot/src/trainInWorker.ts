import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelTypeId } from '@chatflow/machines';
import type { SerializedModel } from './analytics/types.ts';

/** What the training worker is asked to do. */
export interface TrainingJob {
  /** The data set as Arrow IPC bytes. */
  ipc: Uint8Array;
  target: string;
  features: string[];
  modelType: ModelTypeId;
  /** Seed of the train/holdout split and of the forests. */
  seed: number;
  modelId?: string;
}

/** What the training worker answers. */
export type TrainingJobResult =
  | {
      ok: true;
      modelId: string;
      metrics: Record<string, number>;
      model: SerializedModel;
      /** The outcome in words: scores, coefficients or confusion counts, warnings. */
      summary: string;
    }
  | { ok: false; message: string };

const workerUrl = new URL(
  import.meta.url.endsWith('.ts') ? './trainingWorker.ts' : './trainingWorker.js',
  import.meta.url,
);

/** The file URL of tsx's ESM register API, read from its package's `exports`. */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = require(manifestPath) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const entry = manifest.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  return new URL(entry, pathToFileURL(manifestPath)).href;
}

/**
 * Starts the worker. From TypeScript sources (tsx, vitest) the worker first registers
 * tsx's loader, since a worker thread does not inherit the parent's loader hooks.
 */
function startWorker(): Worker {
  if (!workerUrl.pathname.endsWith('.ts')) return new Worker(workerUrl);
  const tsx = tsxEsmApi();
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(code, { eval: true });
}

/**
 * Trains a model in a worker thread and resolves to the trained model, or rejects with
 * an `Error` whose message is meant for the user. Aborting `signal` (the workflow was
 * cancelled) stops the worker at once.
 *
 * @example
 * ```ts
 * const result = await trainInWorker({ ipc: tableToIPC(table), target: 'price',
 *   features: ['area_m2'], modelType: 'linear_regression', seed: 42 });
 * ```
 */
export function trainInWorker(
  job: TrainingJob,
  signal?: AbortSignal,
): Promise<TrainingJobResult & { ok: true }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('Training was stopped.'));
      return;
    }
    const worker = startWorker();
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = (): void => finish(() => reject(new Error('Training was stopped.')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (result: TrainingJobResult) =>
      finish(() => (result.ok ? resolve(result) : reject(new Error(result.message)))),
    );
    worker.once('error', (error) =>
      finish(() => reject(new Error(`Training failed: ${error.message}`))),
    );
    worker.once('exit', (code) =>
      finish(() => reject(new Error(`Training stopped unexpectedly (worker exit code ${code}).`))),
    );
    worker.postMessage(job, [job.ipc.buffer as ArrayBuffer]);
  });
}
