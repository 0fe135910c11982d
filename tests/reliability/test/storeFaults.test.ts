import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatflowStore, createStore } from '@chatflow/adapters';
import { workflows } from '@chatflow/machines';
import {
  createRuntime,
  type Runtime,
  type SessionKey,
  StoreUnavailableError,
  sessionStoreSymbol,
} from '@chatflow/runtime';
import { tableFromArrays } from 'apache-arrow';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeterministicTrainer } from '../src/deterministicTrainer.ts';
import { driveToCompletion } from '../src/driveToCompletion.ts';
import { type RedisServer, startRedisServer } from '../src/redisServer.ts';
import { createSeededRandom, type SeededRandom, seedFromEnv } from '../src/seededRandom.ts';
import { settleWithin } from '../src/settleWithin.ts';
import { type AcknowledgedStep, startTraffic } from '../src/startTraffic.ts';

const timeoutMs = 400;
/** A "did not hang" guard, never a speed assertion. */
const hangGuardMs = timeoutMs * 5;
const storeOptions = { connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs };
const directory = mkdtempSync(join(tmpdir(), 'chatflow-faults-'));
const random: SeededRandom = createSeededRandom(seedFromEnv('CHATFLOW_FAULTS_SEED'));

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  rmSync(directory, { recursive: true, force: true });
});

function keysOf(prefix: string, count: number): SessionKey[] {
  return Array.from({ length: count }, (_, i) => ({
    userId: `${prefix}-user-${i}`,
    conversationId: `chat-${i}`,
  }));
}

function runtimeOn(store: ChatflowStore): Runtime {
  return createRuntime({
    workflows,
    store,
    logger: pino({ level: 'silent' }),
    actors: { trainModel: createDeterministicTrainer({ delayMs: 5 }) },
  });
}

const table = tableFromArrays({
  price: Float64Array.from([1, 2, 3]),
  rooms: Float64Array.from([1, 1, 2]),
});

/** Every runtime operation that touches the store, by name, for any session. */
const everyOperation: Record<string, (runtime: Runtime, key: SessionKey) => Promise<unknown>> = {
  getOrCreateSession: (runtime, key) => runtime.getOrCreateSession(key),
  getSession: (runtime, key) => runtime.getSession(key),
  startWorkflow: (runtime, key) => runtime.startWorkflow(key, 'ml_training'),
  send: (runtime, key) => runtime.send(key, { type: 'back' }),
  cancelWorkflow: (runtime, key) => runtime.cancelWorkflow(key),
  storeData: (runtime, key) => runtime.storeData(key, table, { name: 'during-outage.csv' }),
  getData: (runtime, key) => runtime.getData(key),
  clearData: (runtime, key) => runtime.clearData(key),
  addToHistory: (runtime, key) => runtime.addToHistory(key, { role: 'user', text: 'hello?' }),
  getHistory: (runtime, key) => runtime.getHistory(key),
  deleteSession: (runtime, key) => runtime.deleteSession(key),
  forgetUser: (runtime, key) => runtime.forgetUser(key.userId),
};

/**
 * Calls each operation (all of them, or those named in `only`) on every session at once,
 * one operation after the other, and expects each call to fail with
 * `StoreUnavailableError` without hanging; returns how many calls were made.
 */
async function expectEveryOperationUnavailable(
  runtime: Runtime,
  keys: SessionKey[],
  only?: string[],
): Promise<number> {
  let calls = 0;
  for (const [name, operation] of Object.entries(everyOperation)) {
    if (only !== undefined && !only.includes(name)) continue;
    const outcomes = await Promise.all(
      keys.map((key) => settleWithin(operation(runtime, key), hangGuardMs)),
    );
    for (const outcome of outcomes) {
      expect(outcome.status, `${name} settled`).toBe('rejected');
      if (outcome.status === 'rejected') {
        expect(outcome.reason, name).toBeInstanceOf(StoreUnavailableError);
        expect((outcome.reason as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
      }
      calls += 1;
    }
  }
  return calls;
}

/** Tries `attempt` until it resolves, 100 ms apart, at most 100 times. */
async function untilServing<T>(attempt: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`the runtime never served again: ${String(last)}`);
}

/** Every acknowledged step is in the store: same session, at least its revision. */
async function expectAcknowledgedKept(
  runtime: Runtime,
  acknowledged: Iterable<AcknowledgedStep>,
): Promise<number> {
  let checked = 0;
  for (const step of acknowledged) {
    const view = await runtime.getSession(step.key);
    expect(view?.sessionId, JSON.stringify(step)).toBe(step.sessionId);
    expect(view?.revision ?? 0, JSON.stringify(step)).toBeGreaterThanOrEqual(step.minRevision);
    checked += 1;
  }
  return checked;
}

describe('Redis outages', () => {
  let redis: RedisServer | undefined;
  let store: ChatflowStore | undefined;
  let runtime: Runtime | undefined;

  beforeEach(async () => {
    unhandled.length = 0;
    redis = await startRedisServer({
      dir: mkdtempSync(join(directory, 'redis-')),
      appendOnly: true,
      fsyncAlways: true,
    });
    store = createStore(redis.url, storeOptions);
    runtime = runtimeOn(store);
  });

  afterEach(async () => {
    redis?.resume();
    await runtime?.shutdown();
    await store?.[sessionStoreSymbol].close();
    await redis?.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });

  it('should fail every call fast while Redis is killed, and serve again, same runtime, once it restarts', async () => {
    const serving = runtime!;
    const keys = keysOf('stopped', 4);
    const acknowledged: AcknowledgedStep[] = [];
    for (const key of keys) {
      const view = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      acknowledged.push({
        key,
        sessionId: view.sessionId,
        minRevision: view.revision,
        state: 'complete',
      });
    }
    await serving.storeData(keys[0]!, table, { name: 'kept.csv' });
    await serving.addToHistory(keys[0]!, { role: 'user', text: 'kept' });

    await redis!.stop();
    const tried = await expectEveryOperationUnavailable(serving, keys);
    const health = await settleWithin(serving.health(), hangGuardMs);
    expect(health.status).toBe('fulfilled');
    if (health.status === 'fulfilled') expect(health.value.status).toBe('degraded');

    await redis!.start();
    await untilServing(() => serving.getOrCreateSession(keys[0]!));
    const checked = await expectAcknowledgedKept(serving, acknowledged);
    // Nothing the outage refused happened: the data, the history and the sessions are there.
    expect((await serving.getData(keys[0]!))?.numRows).toBe(3);
    expect((await serving.getHistory(keys[0]!)).map((message) => message.text)).toEqual(['kept']);
    for (const key of keys) {
      const view = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      expect(view.workflow?.state).toBe('complete');
    }
    expect((await serving.health()).status).toBe('healthy');
    console.log(
      'Redis killed and restarted:',
      JSON.stringify({ callsRefused: tried, acknowledgedChecked: checked, losses: 0 }),
    );
  });

  it('should time calls out while Redis is frozen (SIGSTOP), and serve again once it thaws', async () => {
    const serving = runtime!;
    const keys = keysOf('frozen', 3);
    const acknowledged: AcknowledgedStep[] = [];
    for (const key of keys) {
      const view = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      acknowledged.push({
        key,
        sessionId: view.sessionId,
        minRevision: view.revision,
        state: 'complete',
      });
    }
    redis!.pause();
    const tried = await expectEveryOperationUnavailable(serving, keys);
    redis!.resume();

    await untilServing(() => serving.getOrCreateSession(keys[0]!));
    const checked = await expectAcknowledgedKept(serving, acknowledged);
    // Calls that timed out may still have run once Redis thawed; each session is whole
    // (no reset, readable) and carries on.
    for (const key of keys) {
      const view = await serving.getOrCreateSession(key);
      expect(view.reset).toBeUndefined();
      const done = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      expect(done.workflow?.state).toBe('complete');
    }
    console.log(
      'Redis frozen and thawed:',
      JSON.stringify({ callsTimedOut: tried, acknowledgedChecked: checked, losses: 0 }),
    );
  });

  it('should keep serving traffic across Redis kills, freezes and restarts, losing no acknowledged step', async () => {
    const serving = runtime!;
    const keys = keysOf('traffic', 12);
    const traffic = startTraffic(serving, keys, createSeededRandom(random.fork()));
    const outages: string[] = [];
    for (let round = 0; round < 4; round++) {
      await traffic.progress(random.int(20, 60));
      if (random.chance(0.5)) {
        await redis!.stop();
        outages.push('killed');
        await new Promise((resolve) => setTimeout(resolve, random.int(200, 1200)));
        await redis!.start();
      } else {
        redis!.pause();
        outages.push('frozen');
        await new Promise((resolve) => setTimeout(resolve, random.int(200, 1200)));
        redis!.resume();
      }
    }
    await traffic.progress(40);
    const figures = await traffic.stop();
    expect(figures.problems).toEqual([]);
    expect(figures.slowestFailureMs).toBeLessThan(hangGuardMs);
    const checked = await expectAcknowledgedKept(serving, traffic.acknowledged.values());
    console.log(
      'Redis outages under traffic:',
      JSON.stringify({
        outages,
        acknowledged: figures.acknowledged,
        unavailable: figures.unavailable,
        acknowledgedChecked: checked,
        losses: 0,
      }),
    );
  });
});

describe('SQLite faults', () => {
  beforeEach(() => {
    unhandled.length = 0;
  });
  afterEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });

  it('should refuse writes while another connection holds the file exclusively, keep reads, and serve again after', async () => {
    const file = join(directory, 'locked.db');
    const store = createStore(`sqlite://${file}`, storeOptions);
    const serving = runtimeOn(store);
    const keys = keysOf('locked', 3);
    const acknowledged: AcknowledgedStep[] = [];
    for (const key of keys) {
      const view = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      acknowledged.push({
        key,
        sessionId: view.sessionId,
        minRevision: view.revision,
        state: 'complete',
      });
    }

    const locker = createStore(`sqlite://${file}`, storeOptions);
    const query = (locker.store as { query(sql: string): Promise<unknown> }).query;
    await query('BEGIN EXCLUSIVE');
    let tried = 0;
    try {
      tried = await expectEveryOperationUnavailable(serving, keys, [
        'getOrCreateSession',
        'startWorkflow',
        'storeData',
        'addToHistory',
        'deleteSession',
        'forgetUser',
      ]);
      // Readers are not blocked by a writer.
      for (const key of keys) {
        const view = await serving.getSession(key);
        expect(view?.workflow?.state).toBe('complete');
      }
    } finally {
      await query('ROLLBACK');
      await locker[sessionStoreSymbol].close();
    }

    const checked = await expectAcknowledgedKept(serving, acknowledged);
    for (const key of keys) {
      const done = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      expect(done.workflow?.state).toBe('complete');
    }
    await serving.shutdown();
    await store[sessionStoreSymbol].close();
    console.log(
      'SQLite locked:',
      JSON.stringify({ writesRefused: tried, acknowledgedChecked: checked, losses: 0 }),
    );
  });

  it.each([
    ['in a directory that does not exist', () => join(directory, 'no', 'such', 'dir', 'x.db')],
    [
      'that is not a database',
      () => {
        const file = join(directory, 'not-a-database.db');
        writeFileSync(file, Buffer.alloc(8192, 'this is not an SQLite file '));
        return file;
      },
    ],
  ])('should fail every call fast on a file %s, and stay up', async (_, makePath) => {
    const store = createStore(`sqlite://${makePath()}`, storeOptions);
    const serving = runtimeOn(store);
    const [key] = keysOf('unopenable', 1);
    const tried = await expectEveryOperationUnavailable(serving, [key!]);
    const health = await settleWithin(serving.health(), hangGuardMs);
    expect(health.status).toBe('fulfilled');
    if (health.status === 'fulfilled') expect(health.value.status).toBe('degraded');
    await serving.shutdown();
    // A store that never opened has nothing to release: closing it resolves, every time.
    await store[sessionStoreSymbol].close();
    await store[sessionStoreSymbol].close();
    await store.disconnect();
    console.log('SQLite unopenable:', JSON.stringify({ callsRefused: tried }));
  });
});
