import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '@chatflow/adapters';
import { sessionStoreSymbol } from '@chatflow/runtime';
import { describe, expect, it } from 'vitest';
import { createArtifactStore } from '../src/artifactStore.ts';

describe('createArtifactStore', () => {
  it('should keep models and files of each user apart and forget one user only', async () => {
    const store = createStore('memory');
    const artifacts = createArtifactStore(store[sessionStoreSymbol]);
    await artifacts.saveModel(1, 'm-1', { weights: [1, 2] });
    await artifacts.saveModel('1:2', 'm-1', { weights: [3] });
    const outputId = await artifacts.saveOutput(1, {
      name: 'predictions.csv',
      bytes: new TextEncoder().encode('a,b\n1,2\n'),
    });

    expect(await artifacts.loadModel('1', 'm-1')).toEqual({ weights: [1, 2] });
    expect(await artifacts.loadModel('1:2', 'm-1')).toEqual({ weights: [3] });
    expect(await artifacts.loadModel(1, 'm-2')).toBeUndefined();
    const output = await artifacts.loadOutput(1, outputId);
    expect(output?.name).toBe('predictions.csv');
    expect(new TextDecoder().decode(output?.bytes)).toBe('a,b\n1,2\n');

    expect(await artifacts.forgetUser(1)).toEqual({ models: 1, outputs: 1 });
    expect(await artifacts.loadModel(1, 'm-1')).toBeUndefined();
    expect(await artifacts.loadOutput(1, outputId)).toBeUndefined();
    expect(await artifacts.loadModel('1:2', 'm-1')).toEqual({ weights: [3] });
  });

  it('should keep models in a SQLite file across store instances', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'artifacts-')), 'sessions.db');
    const first = createStore(`sqlite://${path}`);
    await createArtifactStore(first[sessionStoreSymbol]).saveModel('u', 'm', { ok: true });
    await first[sessionStoreSymbol].close();
    const second = createStore(`sqlite://${path}`);
    expect(await createArtifactStore(second[sessionStoreSymbol]).loadModel('u', 'm')).toEqual({
      ok: true,
    });
    await second[sessionStoreSymbol].close();
  });
});
