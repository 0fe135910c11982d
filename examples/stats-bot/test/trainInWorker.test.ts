import { readFile } from 'node:fs/promises';
import { tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../src/analytics/ingestFile.ts';
import { trainInWorker } from '../src/trainInWorker.ts';
import { runTrainingJob } from '../src/trainingWorker.ts';

async function housesIpc(): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(new URL('../data/houses.csv', import.meta.url)));
  const { table } = await ingestFile(bytes, 'houses.csv');
  return tableToIPC(table);
}

describe('trainInWorker', () => {
  it('should train in a worker thread and give the same model as training in process', async () => {
    const job = {
      target: 'price',
      features: ['area_m2', 'rooms', 'city'],
      modelType: 'linear_regression' as const,
      seed: 7,
      modelId: 'm-test',
    };
    const inWorker = await trainInWorker({ ...job, ipc: await housesIpc() });
    const inProcess = runTrainingJob({ ...job, ipc: await housesIpc() });
    expect(inWorker.modelId).toBe('m-test');
    expect(inWorker.metrics.r2).toBeGreaterThan(0.5);
    expect(inProcess).toEqual(inWorker);
    expect(inWorker.summary).toContain('R² =');
  });

  it('should reject with the analytics message when the job cannot be trained', async () => {
    await expect(
      trainInWorker({
        ipc: await housesIpc(),
        target: 'price',
        features: ['no_such_column'],
        modelType: 'linear_regression',
        seed: 1,
      }),
    ).rejects.toThrow(/no_such_column/);
  });

  it('should stop at once when aborted', async () => {
    const controller = new AbortController();
    const training = trainInWorker(
      {
        ipc: await housesIpc(),
        target: 'price',
        features: ['area_m2', 'rooms', 'age_years', 'city'],
        modelType: 'random_forest_regression',
        seed: 1,
      },
      controller.signal,
    );
    controller.abort();
    await expect(training).rejects.toThrow('Training was stopped.');
  });
});
