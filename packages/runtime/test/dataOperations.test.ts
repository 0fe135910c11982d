import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import {
  ChatflowError,
  DataCorruptError,
  DataTooLargeError,
  SessionNotFoundError,
} from '../src/errors.ts';
import { dataStorageKey } from '../src/keys.ts';
import { createKeyvSessionStore } from '../src/keyvSessionStore.ts';
import { createMemoryStore } from '../src/memoryStore.ts';
import type { SessionStore } from '../src/sessionStore.ts';
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

  it('should read the table another runtime stored in place of the one it knew', async () => {
    const store = new Keyv();
    const writer = createTestRuntime({ store }).runtime;
    const reader = createTestRuntime({ store }).runtime;
    await writer.getOrCreateSession(key);
    await writer.storeData(key, sampleTable(3));
    expect((await reader.getData(key))?.numRows).toBe(3);
    // The writer replaces the table (and deletes the bytes the reader's session points at).
    await writer.storeData(key, sampleTable(7));
    expect((await reader.getData(key))?.numRows).toBe(7);
    expect((await reader.getSession(key))?.dataset?.rowCount).toBe(7);
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

describe('getData on damaged bytes', () => {
  const stores: [string, () => { store: Keyv | SessionStore; sessions: SessionStore }][] = [
    [
      'a Keyv',
      () => {
        const { store } = createTestRuntime();
        return { store, sessions: createKeyvSessionStore(store as Keyv) };
      },
    ],
    [
      'the memory store',
      () => {
        const store = createMemoryStore();
        return { store, sessions: store };
      },
    ],
  ];

  /** A session holding `sampleTable(5)`, the key of its bytes and the store behind it. */
  async function sessionWithData(name: string) {
    const made = stores.find(([label]) => label === name)?.[1]() as {
      store: Keyv | SessionStore;
      sessions: SessionStore;
    };
    const { runtime } = createTestRuntime({ store: made.store });
    const { sessionId } = await runtime.getOrCreateSession(key);
    const info = await runtime.storeData(key, sampleTable(5), { name: 'five.csv' });
    const dataKey = dataStorageKey('u-1', sessionId, info.id);
    return { runtime, info, dataKey, sessions: made.sessions };
  }

  const valid = tableToIPC(sampleTable(5), 'stream');
  const damaged: [string, Uint8Array, RegExp][] = [
    ['random bytes', Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0xc3, 0x28, 0x11]), /not Arrow IPC/],
    ['zeros', new Uint8Array(256), /not Arrow IPC/],
    ['no bytes at all', new Uint8Array(0), /not Arrow IPC/],
    ['text', new TextEncoder().encode('price,area\n1,2\n'), /not Arrow IPC/],
    [
      'a continuation marker and a length with nothing after it',
      valid.subarray(0, 8),
      /stream does not parse/,
    ],
    [
      'a continuation marker before garbage',
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      /does not parse/,
    ],
    ['the stream cut at 80%', valid.subarray(0, Math.floor(valid.length * 0.8)), /does not parse/],
    ['a flipped byte in the schema', flipped(valid, 20), /does not parse/],
    [
      'the file magic around garbage',
      Uint8Array.from(
        [...'ARROW1\0\0']
          .map((c) => c.charCodeAt(0))
          .concat(
            Array(20).fill(7),
            [...'ARROW1'].map((c) => c.charCodeAt(0)),
          ),
      ),
      /does not parse/,
    ],
    [
      'another table',
      tableToIPC(tableFromArrays({ other: Float64Array.from([1, 2]) }), 'stream'),
      /2 rows and 1 columns where the data set has 5 rows and 4 columns/,
    ],
  ];

  for (const [storeName] of stores) {
    it.each(damaged)(
      `should refuse %s on ${storeName} with DataCorruptError and leave the bytes as they are`,
      async (_, bytes, reason) => {
        const { runtime, info, dataKey, sessions } = await sessionWithData(storeName);
        await sessions.setBytes(dataKey, bytes);
        const error = await runtime.getData(key).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataCorruptError);
        expect(error).toBeInstanceOf(ChatflowError);
        const corrupt = error as DataCorruptError;
        expect(corrupt.code).toBe('DATA_CORRUPT');
        expect(corrupt.datasetId).toBe(info.id);
        expect(corrupt.sizeBytes).toBe(bytes.byteLength);
        expect(corrupt.message).toMatch(reason);
        expect(corrupt.message).toContain('left as it is');
        // Nothing was deleted or changed: the same bytes, the same data set.
        expect(Array.from((await sessions.getBytes(dataKey)) ?? [])).toEqual(Array.from(bytes));
        expect((await runtime.getSession(key))?.dataset).toEqual(info);
        // Storing a table again repairs it.
        await runtime.storeData(key, sampleTable(3));
        expect((await runtime.getData(key))?.numRows).toBe(3);
      },
    );
  }

  it('should read a data set stored in the Arrow IPC file format', async () => {
    const { runtime, dataKey, sessions } = await sessionWithData('a Keyv');
    await sessions.setBytes(dataKey, tableToIPC(sampleTable(5), 'file'));
    const table = await runtime.getData(key);
    expect(table?.numRows).toBe(5);
    expect(table?.getChild('label')?.get(4)).toBe('row 4');
  });

  it('should clear damaged data', async () => {
    const { runtime, dataKey, sessions } = await sessionWithData('the memory store');
    await sessions.setBytes(dataKey, new Uint8Array(64));
    await runtime.clearData(key);
    expect(await runtime.getData(key)).toBeUndefined();
    expect(await sessions.getBytes(dataKey)).toBeUndefined();
  });
});

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = (copy[at] as number) ^ 0xff;
  return copy;
}
