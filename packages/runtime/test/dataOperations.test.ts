import { tableFromArrays } from 'apache-arrow';
import type { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { DataTooLargeError, SessionNotFoundError } from '../src/errors.ts';
import { dataStorageKey } from '../src/keys.ts';
import { createKeyvSessionStore } from '../src/keyvSessionStore.ts';
import { createTestRuntime, sampleTable } from './support/testRuntime.ts';

const key = { userId: 'u-1', conversationId: 'c-1' };

describe('storeData', () => {
  it('should store the table as Arrow IPC bytes and describe it', async () => {
    const { runtime, store } = createTestRuntime();
    const created = await runtime.getOrCreateSession(key);
    const dates = [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 2))];
    const table = tableFromArrays({
      n: Int32Array.from([1, 2]),
      f: Float64Array.from([0.5, 1.5]),
      s: ['a', 'b'],
      b: [true, false],
      d: dates,
    });
    const info = await runtime.storeData(key, table, { name: 'mixed.csv' });
    expect(info).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'mixed.csv',
      columns: [
        { name: 'n', type: 'number' },
        { name: 'f', type: 'number' },
        { name: 's', type: 'string' },
        { name: 'b', type: 'boolean' },
        { name: 'd', type: 'date' },
      ],
      rowCount: 2,
    });
    expect((await runtime.getSession(key))?.dataset).toEqual(info);
    const blob = await createKeyvSessionStore(store as Keyv).getBytes(
      dataStorageKey('u-1', created.sessionId, info.id),
    );
    expect(blob?.byteLength).toBeGreaterThan(0);
    const loaded = await runtime.getData(key);
    expect(loaded?.numRows).toBe(2);
    expect(loaded?.getChild('s')?.toArray()).toEqual(['a', 'b']);
    expect(Array.from(loaded?.getChild('f')?.toArray() ?? [])).toEqual([0.5, 1.5]);
  });

  it('should replace the previous table and delete its bytes', async () => {
    const { runtime, store } = createTestRuntime();
    const { sessionId } = await runtime.getOrCreateSession(key);
    const first = await runtime.storeData(key, sampleTable(3));
    const second = await runtime.storeData(key, sampleTable(5));
    expect((await runtime.getData(key))?.numRows).toBe(5);
    const sessions = createKeyvSessionStore(store as Keyv);
    expect(await sessions.getBytes(dataStorageKey('u-1', sessionId, first.id))).toBeUndefined();
    expect(await sessions.getBytes(dataStorageKey('u-1', sessionId, second.id))).toBeDefined();
  });

  it('should refuse a table over maxDataSizeMb, naming the size and the limit', async () => {
    const { runtime } = createTestRuntime({ config: { maxDataSizeMb: 0.01 } });
    await runtime.getOrCreateSession(key);
    const big = tableFromArrays({ x: new Float64Array(2000) });
    const error = await runtime.storeData(key, big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataTooLargeError);
    const tooLarge = error as DataTooLargeError;
    expect(tooLarge.code).toBe('DATA_TOO_LARGE');
    expect(tooLarge.limitBytes).toBe(Math.floor(0.01 * 2 ** 20));
    expect(tooLarge.sizeBytes).toBeGreaterThan(16_000);
    expect(tooLarge.message).toMatch(/0\.0 MB/);
    expect(tooLarge.message).toContain('limit');
    expect((await runtime.getSession(key))?.dataset).toBeNull();
    const small = tableFromArrays({ x: new Float64Array(10) });
    await expect(runtime.storeData(key, small)).resolves.toMatchObject({ rowCount: 10 });
  });

  it('should count MB as 2^20 bytes of the IPC form', async () => {
    const { runtime } = createTestRuntime({ config: { maxDataSizeMb: 1 } });
    await runtime.getOrCreateSession(key);
    // 131,072 doubles are exactly 1 MiB of values; the IPC framing pushes it over.
    const over = tableFromArrays({ x: new Float64Array(131_072) });
    await expect(runtime.storeData(key, over)).rejects.toBeInstanceOf(DataTooLargeError);
    const under = tableFromArrays({ x: new Float64Array(131_000) });
    await expect(runtime.storeData(key, under)).resolves.toMatchObject({ rowCount: 131_000 });
  });

  it('should refuse something that is not an Arrow table', async () => {
    const { runtime } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await expect(runtime.storeData(key, { rows: [] } as never)).rejects.toBeInstanceOf(TypeError);
  });

  it('should never log the data', async () => {
    const { runtime, logLines } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await runtime.storeData(key, tableFromArrays({ secret: ['TOP-SECRET-VALUE'] }));
    await runtime.getData(key);
    expect(JSON.stringify(logLines)).not.toContain('TOP-SECRET-VALUE');
  });

  it('should need a session', async () => {
    const { runtime } = createTestRuntime();
    await expect(runtime.storeData(key, sampleTable())).rejects.toBeInstanceOf(
      SessionNotFoundError,
    );
  });
});

describe('getData and clearData', () => {
  it('should answer undefined without data and clear stored data', async () => {
    const { runtime, store } = createTestRuntime();
    const { sessionId } = await runtime.getOrCreateSession(key);
    expect(await runtime.getData(key)).toBeUndefined();
    const info = await runtime.storeData(key, sampleTable());
    await runtime.clearData(key);
    expect(await runtime.getData(key)).toBeUndefined();
    expect((await runtime.getSession(key))?.dataset).toBeNull();
    const bytes = await createKeyvSessionStore(store as Keyv).getBytes(
      dataStorageKey('u-1', sessionId, info.id),
    );
    expect(bytes).toBeUndefined();
    await expect(runtime.clearData(key)).resolves.toBeUndefined();
  });

  it('should answer undefined when the blob vanished', async () => {
    const { runtime, store } = createTestRuntime();
    const { sessionId } = await runtime.getOrCreateSession(key);
    const info = await runtime.storeData(key, sampleTable());
    await createKeyvSessionStore(store as Keyv).deleteBytes(
      dataStorageKey('u-1', sessionId, info.id),
    );
    expect(await runtime.getData(key)).toBeUndefined();
  });
});
