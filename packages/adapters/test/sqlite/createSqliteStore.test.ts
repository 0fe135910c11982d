import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflows } from '@chatflow/machines';
import { createRuntime, StoreUnavailableError, sessionStoreSymbol } from '@chatflow/runtime';
import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv } from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/sqlite/index.ts';
import { storeConformance } from '../storeConformance.ts';
import { temporaryDirectory } from '../support/temporaryDirectory.ts';

const directory = temporaryDirectory();
afterAll(() => directory.remove());
let files = 0;
const nextFile = () => join(directory.path, `store-${++files}.db`);

storeConformance('sqlite', async () => {
  let now = 1_700_000_000_000;
  const keyv = createSqliteStore(nextFile(), { now: () => now });
  return {
    keyv,
    elapse: async (ms) => {
      now += ms;
    },
    dispose: () => keyv[sessionStoreSymbol].close(),
  };
});

describe('createSqliteStore', () => {
  it('should keep everything in the file across a reopen', async () => {
    const file = nextFile();
    const first = createSqliteStore(file);
    await first[sessionStoreSymbol].compareAndSet(
      's',
      0,
      { value: 'kept', revision: 1 },
      {
        index: { key: 'idx', member: 's' },
      },
    );
    await first[sessionStoreSymbol].setBytes('b', new Uint8Array([0, 255]));
    await first.set('plain', 42);
    await first[sessionStoreSymbol].close();

    const second = createSqliteStore(file);
    const store = second[sessionStoreSymbol];
    expect(await store.get('s')).toEqual({ value: 'kept', revision: 1 });
    expect(await store.members('idx')).toEqual(['s']);
    expect(await store.getBytes('b')).toEqual(new Uint8Array([0, 255]));
    expect(await second.get('plain')).toBe(42);
    await store.close();
  });

  it('should put the file in WAL mode and the tables under the namespace', async () => {
    const file = nextFile();
    const keyv = createSqliteStore(file, { namespace: 'bot1' });
    await keyv[sessionStoreSymbol].setBytes('b', new Uint8Array([1]));
    await keyv.set('k', 'v');
    await keyv[sessionStoreSymbol].close();

    const probe = new KeyvSqlite({ uri: `sqlite://${file}` });
    const [mode] = (await probe.query('PRAGMA journal_mode')) as { journal_mode: string }[];
    const tables = (await probe.query(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'bot1%' ORDER BY name",
    )) as { name: string }[];
    const [blob] = (await probe.query('SELECT typeof(bytes) AS type FROM bot1_blobs')) as {
      type: string;
    }[];
    await probe.close();
    expect(mode?.journal_mode).toBe('wal');
    expect(tables.map((table) => table.name)).toEqual([
      'bot1_blobs',
      'bot1_keyv',
      'bot1_records',
      'bot1_sets',
    ]);
    expect(blob?.type).toBe('blob');
  });

  it('should let exactly one writer win across two connections to one file', async () => {
    const file = nextFile();
    const first = createSqliteStore(file);
    const second = createSqliteStore(file);
    const stores = [first[sessionStoreSymbol], second[sessionStoreSymbol]];
    await stores[0]?.get('warm-up');
    await stores[1]?.get('warm-up');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % 2]?.compareAndSet('race', 0, { value: `writer-${i}`, revision: 1 }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await Promise.all(stores.map((store) => store?.close()));
  });

  it('should close once when both the Keyv and the session store are closed', async () => {
    const keyv = createSqliteStore(nextFile());
    await keyv.set('a', 1);
    await keyv.disconnect();
    await expect(keyv[sessionStoreSymbol].close()).resolves.toBeUndefined();
  });

  it('should be a Keyv on the @keyv/sqlite adapter that throws its errors', () => {
    const keyv = createSqliteStore(':memory:');
    expect(keyv).toBeInstanceOf(Keyv);
    expect(keyv.store).toBeInstanceOf(KeyvSqlite);
    expect(keyv.throwOnErrors).toBe(true);
    return keyv[sessionStoreSymbol].close();
  });
});

describe('SqliteSessionStore', () => {
  it('should expire a record exactly when its TTL ends on the injected clock', async () => {
    let now = 0;
    const store = createSqliteStore(':memory:', { now: () => now })[sessionStoreSymbol];
    await store.compareAndSet('s', 0, { value: 'v', revision: 1 }, { ttlMs: 1000 });
    now = 999;
    expect(await store.get('s')).toEqual({ value: 'v', revision: 1 });
    now = 1000;
    expect(await store.get('s')).toBeUndefined();
    await store.close();
  });

  it('should purge expired rows from the tables on a later write', async () => {
    let now = 0;
    const file = nextFile();
    const store = createSqliteStore(file, { now: () => now })[sessionStoreSymbol];
    await store.compareAndSet('old', 0, { value: 'v', revision: 1 }, { ttlMs: 1000 });
    await store.setBytes('old-blob', new Uint8Array([1]), { ttlMs: 1000 });
    now = 120_000;
    await store.compareAndSet('new', 0, { value: 'v', revision: 1 });
    await store.close();
    const probe = new KeyvSqlite({ uri: `sqlite://${file}` });
    const rows = (await probe.query(
      'SELECT key FROM chatflow_records UNION ALL SELECT key FROM chatflow_blobs',
    )) as { key: string }[];
    await probe.close();
    expect(rows.map((row) => row.key)).toEqual(['new']);
  });
});

describe('SqliteSessionStore faults', () => {
  it('should fail with StoreUnavailableError naming the file when it cannot be opened', async () => {
    const file = join(directory.path, 'no', 'such', 'dir', 'store.db');
    const keyv = createSqliteStore(file);
    const error = await keyv[sessionStoreSymbol].get('s').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ backend: 'sqlite', address: file, code: 'STORE_UNAVAILABLE' });
    expect((error as Error).message).toContain(file);
    await expect(keyv.get('a')).rejects.toThrow();
  });

  it.each([
    ['in a directory that does not exist', () => join(directory.path, 'missing', 'store.db')],
    [
      'that is not a database',
      () => {
        const file = join(directory.path, 'not-a-database.db');
        writeFileSync(file, Buffer.alloc(8192, 'this is not an SQLite file '));
        return file;
      },
    ],
  ])(
    'should close a store on a file %s, any number of times, through either side',
    async (_, makePath) => {
      const file = makePath();
      for (const closeFirst of ['session store', 'keyv'] as const) {
        const keyv = createSqliteStore(file);
        const store = keyv[sessionStoreSymbol];
        // The store does not work, and says why.
        const refused = await store.get('s').catch((caught: unknown) => caught);
        expect(refused).toBeInstanceOf(StoreUnavailableError);
        expect((refused as Error).message).toMatch(/SQLITE_(CANTOPEN|NOTADB)/);
        // Closing it releases nothing and resolves, the first time and every time after.
        if (closeFirst === 'keyv') await expect(keyv.disconnect()).resolves.toBeUndefined();
        await expect(store.close()).resolves.toBeUndefined();
        await expect(store.close()).resolves.toBeUndefined();
        await expect(keyv.disconnect()).resolves.toBeUndefined();
        const closed = await store.get('s').catch((caught: unknown) => caught);
        expect(closed).toBeInstanceOf(StoreUnavailableError);
        expect((closed as Error).message).toContain('the store is closed');
      }
      // The file that is not a database is left as it was.
      if (existsSync(file)) expect(readFileSync(file).subarray(0, 8).toString()).toBe('this is ');
    },
  );

  it('should close a store whose file did not open yet, before any call, and leave it usable by the next', async () => {
    const file = nextFile();
    const keyv = createSqliteStore(file);
    // Closed at once, while the connection is still opening and the tables are being made.
    await expect(keyv[sessionStoreSymbol].close()).resolves.toBeUndefined();
    await expect(keyv[sessionStoreSymbol].close()).resolves.toBeUndefined();
    await expect(keyv.disconnect()).resolves.toBeUndefined();

    const next = createSqliteStore(file)[sessionStoreSymbol];
    expect(await next.compareAndSet('s', 0, { value: 'v', revision: 1 })).toBe(true);
    expect(await next.get('s')).toEqual({ value: 'v', revision: 1 });
    await next.close();
  });

  it('should let a runtime on a store that never opened shut down, and the store close', async () => {
    const keyv = createSqliteStore(join(directory.path, 'gone', 'bot.db'), {
      commandTimeoutMs: 200,
    });
    const runtime = createRuntime({ workflows, store: keyv });
    const key = { userId: 1, conversationId: 'c' };
    await expect(runtime.getOrCreateSession(key)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(runtime.shutdown()).resolves.toBeUndefined();
    await expect(keyv[sessionStoreSymbol].close()).resolves.toBeUndefined();
    await expect(keyv.disconnect()).resolves.toBeUndefined();
  });

  it('should refuse writes on a locked file with StoreUnavailableError and lose nothing', async () => {
    const file = nextFile();
    const keyv = createSqliteStore(file, { commandTimeoutMs: 150 });
    const store = keyv[sessionStoreSymbol];
    await store.compareAndSet(
      's',
      0,
      { value: 'safe', revision: 1 },
      {
        index: { key: 'idx', member: 's' },
      },
    );
    await store.setBytes('b', new Uint8Array([7]));

    const locker = new KeyvSqlite({ uri: `sqlite://${file}` });
    await locker.query('BEGIN EXCLUSIVE');
    try {
      const refused = await store
        .compareAndSet('s', 1, { value: 'lost?', revision: 2 })
        .catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(refused).toMatchObject({ backend: 'sqlite', address: file });
      expect((refused as Error).message).toMatch(/SQLITE_BUSY/);
      await expect(store.setBytes('b', new Uint8Array([8]))).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.delete('s')).rejects.toBeInstanceOf(StoreUnavailableError);
      // Readers are not blocked in WAL mode.
      expect(await store.get('s')).toEqual({ value: 'safe', revision: 1 });
    } finally {
      await locker.query('ROLLBACK');
      await locker.close();
    }

    expect(await store.get('s')).toEqual({ value: 'safe', revision: 1 });
    expect(await store.getBytes('b')).toEqual(new Uint8Array([7]));
    expect(await store.members('idx')).toEqual(['s']);
    expect(await store.compareAndSet('s', 1, { value: 'later', revision: 2 })).toBe(true);
    await store.close();
  });
});
