import { StoreUnavailableError, sessionStoreSymbol } from '@chatflow/runtime';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatflowStore } from '../../src/index.ts';
import { createRedisStore } from '../../src/redis/index.ts';
import { freePort, type OwnRedisServer, startOwnRedisServer } from '../support/redisServer.ts';

const timeouts = { connectTimeoutMs: 400, commandTimeoutMs: 400 };
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** Tries `attempt` until it resolves (at most 50 tries, 100 ms apart); returns its value. */
async function untilServing<T>(attempt: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
      await pause(100);
    }
  }
  throw new Error(`the store never served again: ${String(last)}`);
}

describe('Redis store faults', () => {
  const stores: ChatflowStore[] = [];
  let server: OwnRedisServer | undefined;

  beforeEach(() => {
    unhandled.length = 0;
  });

  afterEach(async () => {
    server?.resume();
    for (const store of stores.splice(0)) await store[sessionStoreSymbol].close();
    await server?.stop();
    server = undefined;
    await pause(20);
    expect(unhandled).toEqual([]);
  });

  it('should fail with StoreUnavailableError naming the address, never the password, when nothing listens', async () => {
    const port = await freePort();
    const keyv = createRedisStore(`redis://app:s3cret-pw@127.0.0.1:${port}/2`, timeouts);
    stores.push(keyv);
    const store = keyv[sessionStoreSymbol];
    expect(store.address).toBe(`127.0.0.1:${port}/2`);

    const error = await store.get('s').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      backend: 'redis',
      address: `127.0.0.1:${port}/2`,
    });
    expect((error as Error).message).toContain(`redis store at 127.0.0.1:${port}/2`);
    expect((error as Error).message).toMatch(/not connected within 400 ms/);
    expect((error as Error).message).not.toContain('s3cret-pw');

    await expect(store.compareAndSet('s', 0, { value: 'v', revision: 1 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(keyv.get('a')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(keyv.set('a', 1)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('should log in with the URL password and never show a wrong one', async () => {
    server = await startOwnRedisServer(undefined, ['--requirepass', 'right-pw']);
    const good = createRedisStore(`redis://:right-pw@127.0.0.1:${server.port}`, timeouts);
    const bad = createRedisStore(`redis://:wrong-pw@127.0.0.1:${server.port}`, timeouts);
    stores.push(good, bad);
    expect(await good[sessionStoreSymbol].compareAndSet('s', 0, { value: 'v', revision: 1 })).toBe(
      true,
    );
    const error = await bad[sessionStoreSymbol].get('s').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/WRONGPASS|invalid/i);
    expect((error as Error).message).not.toContain('wrong-pw');
    expect(String((error as Error).cause)).not.toContain('wrong-pw');
  });

  it('should serve, same instance, once a server that was never there starts', async () => {
    const port = await freePort();
    const keyv = createRedisStore(`redis://127.0.0.1:${port}`, timeouts);
    stores.push(keyv);
    const store = keyv[sessionStoreSymbol];
    await expect(store.members('idx')).rejects.toBeInstanceOf(StoreUnavailableError);

    server = await startOwnRedisServer(port);
    const index = { key: 'idx', member: 's' };
    expect(
      await untilServing(() => store.compareAndSet('s', 0, { value: 'v', revision: 1 }, { index })),
    ).toBe(true);
    expect(await store.members('idx')).toEqual(['s']);
  });

  it('should fail while the server is down and serve again, same instance, once it is back', async () => {
    server = await startOwnRedisServer();
    const keyv = createRedisStore(server.url, timeouts);
    stores.push(keyv);
    const store = keyv[sessionStoreSymbol];
    expect(await store.compareAndSet('s', 0, { value: 'before', revision: 1 })).toBe(true);

    await server.stop();
    const read = await store.get('s').catch((caught: unknown) => caught);
    expect(read).toBeInstanceOf(StoreUnavailableError);
    expect(read).toMatchObject({ backend: 'redis', address: `127.0.0.1:${server.port}` });
    const write = await store
      .compareAndSet('t', 0, { value: 'during', revision: 1 })
      .catch((caught: unknown) => caught);
    expect(write).toBeInstanceOf(StoreUnavailableError);
    await expect(keyv.set('a', 1)).rejects.toBeInstanceOf(StoreUnavailableError);

    await server.start();
    // The restarted server kept nothing (no persistence), so the first write is revision 1.
    expect(
      await untilServing(() => store.compareAndSet('t', 0, { value: 'after', revision: 1 })),
    ).toBe(true);
    expect(await store.get('t')).toEqual({ value: 'after', revision: 1 });
    await keyv.set('a', 1);
    expect(await keyv.get('a')).toBe(1);
  });

  it('should time calls out while the server is frozen and serve again once it thaws', async () => {
    server = await startOwnRedisServer();
    const keyv = createRedisStore(server.url, timeouts);
    stores.push(keyv);
    const store = keyv[sessionStoreSymbol];
    await store.compareAndSet('s', 0, { value: 'kept', revision: 1 });
    await store.setBytes('b', new Uint8Array([1, 2]));

    server.pause();
    const errors = await Promise.all([
      store.get('s').catch((caught: unknown) => caught),
      store.getBytes('b').catch((caught: unknown) => caught),
      store.members('idx').catch((caught: unknown) => caught),
      keyv.get('a').catch((caught: unknown) => caught),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/no reply within 400 ms/);
    }

    server.resume();
    expect(await untilServing(() => store.get('s'))).toEqual({ value: 'kept', revision: 1 });
    expect(await store.getBytes('b')).toEqual(new Uint8Array([1, 2]));
    expect(await store.compareAndSet('s', 1, { value: 'next', revision: 2 })).toBe(true);
  });

  it('should close without hanging while the server is frozen', async () => {
    server = await startOwnRedisServer();
    const keyv = createRedisStore(server.url, timeouts);
    const store = keyv[sessionStoreSymbol];
    await store.get('s');
    server.pause();
    await expect(store.get('s')).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
    await expect(store.get('s')).rejects.toThrow(/closed/);
  });
});
