import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatflowStore, createStore } from '@chatflow/adapters';
import { exampleDataset, workflows } from '@chatflow/machines';
import {
  createRuntime,
  type Runtime,
  type SessionKey,
  type SessionView,
  StoreUnavailableError,
  sessionStoreSymbol,
} from '@chatflow/runtime';
import { tableFromArrays } from 'apache-arrow';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeterministicTrainer } from '../src/deterministicTrainer.ts';
import { driveToCompletion } from '../src/driveToCompletion.ts';
import { connectRawRedis } from '../src/rawRedisClient.ts';
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

/**
 * A runtime on `store` whose clock runs `shift.ms` ahead of the wall clock: moving it on
 * makes the stored last activity of its sessions over a minute old, so its next
 * `getOrCreateSession` has to write it (one that is only activity within the last
 * minute is answered from memory).
 */
function runtimeOn(store: ChatflowStore, shift: { ms: number } = { ms: 0 }): Runtime {
  return createRuntime({
    workflows,
    store,
    logger: pino({ level: 'silent' }),
    actors: { trainModel: createDeterministicTrainer({ delayMs: 5 }) },
    now: () => Date.now() + shift.ms,
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

/** Expects `call` to fail with `StoreUnavailableError` without hanging. */
async function expectUnavailable(name: string, call: Promise<unknown>): Promise<void> {
  const outcome = await settleWithin(call, hangGuardMs);
  expect(outcome.status, `${name} settled`).toBe('rejected');
  if (outcome.status === 'rejected') {
    expect(outcome.reason, name).toBeInstanceOf(StoreUnavailableError);
    expect((outcome.reason as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
  }
}

/**
 * Calls each operation (all of them, or those named in `only`) on every session at once,
 * one operation after the other, and expects each call to fail with
 * `StoreUnavailableError` without hanging; returns how many calls were made. Every
 * operation reads the store first on a runtime that does not hold the session live.
 */
async function expectEveryOperationUnavailable(
  runtime: Runtime,
  keys: SessionKey[],
  only?: string[],
): Promise<number> {
  let calls = 0;
  for (const [name, operation] of Object.entries(everyOperation)) {
    if (only !== undefined && !only.includes(name)) continue;
    await Promise.all(keys.map((key) => expectUnavailable(name, operation(runtime, key))));
    calls += keys.length;
  }
  return calls;
}

/** What a runtime answered for a session before an outage: its view and its history. */
interface Answered {
  key: SessionKey;
  view: SessionView;
  history: string[];
}

async function answered(runtime: Runtime, keys: SessionKey[]): Promise<Answered[]> {
  const found: Answered[] = [];
  for (const key of keys) {
    const view = (await runtime.getSession(key))!;
    const history = (await runtime.getHistory(key)).map((message) => message.text);
    found.push({ key, view, history });
  }
  return found;
}

/**
 * Expects the reads of sessions the runtime holds live to be answered from memory while
 * the store is out (`trustLiveSessions`): `getSession` and `getHistory` as before the
 * outage, `getOrCreateSession` (only activity, within the last minute) with the same
 * session at the same revision. Returns how many reads were answered.
 */
async function expectLiveReadsAnswered(runtime: Runtime, before: Answered[]): Promise<number> {
  let reads = 0;
  for (const { key, view, history } of before) {
    const name = JSON.stringify(key);
    const read = await settleWithin(runtime.getSession(key), hangGuardMs);
    expect(read.status, `getSession ${name}`).toBe('fulfilled');
    if (read.status === 'fulfilled') expect(read.value).toEqual(view);
    const got = await settleWithin(runtime.getOrCreateSession(key), hangGuardMs);
    expect(got.status, `getOrCreateSession ${name}`).toBe('fulfilled');
    if (got.status === 'fulfilled') {
      expect(got.value.sessionId).toBe(view.sessionId);
      expect(got.value.revision).toBe(view.revision);
      expect(got.value.workflow).toEqual(view.workflow);
      expect(got.value.reset).toBeUndefined();
    }
    const texts = await settleWithin(runtime.getHistory(key), hangGuardMs);
    expect(texts.status, `getHistory ${name}`).toBe('fulfilled');
    if (texts.status === 'fulfilled') expect(texts.value.map((m) => m.text)).toEqual(history);
    reads += 3;
  }
  return reads;
}

/**
 * Expects every call that must write (or read data from the store) on sessions the
 * runtime holds live to fail with `StoreUnavailableError` without hanging: a step the
 * workflow takes (`midway` runs a workflow that waits for data), `startWorkflow`,
 * `addToHistory`, `storeData`, `clearData` and (unless reads go on) `getData` of
 * `withData`, creating a session (`unborn`); then a `getOrCreateSession` whose stored
 * activity is over a minute old (the clock is moved on for it); last, unless
 * `keepRecords`, `deleteSession` and `forgetUser`. Returns how many calls were refused.
 */
async function expectLiveWritesUnavailable(
  runtime: Runtime,
  shift: { ms: number },
  sessions: {
    keys: SessionKey[];
    midway: SessionKey;
    withData: SessionKey;
    unborn: SessionKey;
    keepRecords?: boolean;
    /** Whether reads of the store fail too (not on a locked SQLite file). */
    readsFail?: boolean;
  },
): Promise<number> {
  const { keys, midway, withData, unborn } = sessions;
  const calls: [string, () => Promise<unknown>][] = [
    ['send', () => runtime.send(midway, { type: 'data.uploaded', dataset: exampleDataset() })],
    ['clearData', () => runtime.clearData(withData)],
    ['getOrCreateSession (new)', () => runtime.getOrCreateSession(unborn)],
  ];
  if (sessions.readsFail !== false) calls.push(['getData', () => runtime.getData(withData)]);
  const removals: [string, () => Promise<unknown>][] = [];
  for (const key of keys) {
    calls.push(
      ['startWorkflow', () => runtime.startWorkflow(key, 'ml_training')],
      ['addToHistory', () => runtime.addToHistory(key, { role: 'user', text: 'hello?' })],
      ['storeData', () => runtime.storeData(key, table, { name: 'during-outage.csv' })],
    );
    if (sessions.keepRecords !== true) {
      removals.push(
        ['deleteSession', () => runtime.deleteSession(key)],
        ['forgetUser', () => runtime.forgetUser(key.userId)],
      );
    }
  }
  for (const [name, call] of calls) await expectUnavailable(name, call());
  // Activity is written once the stored one is a minute old: move the clock on.
  shift.ms += 2 * 60_000;
  const active = [...keys, midway];
  for (const key of active) {
    await expectUnavailable('getOrCreateSession (activity)', runtime.getOrCreateSession(key));
  }
  for (const [name, call] of removals) await expectUnavailable(name, call());
  return calls.length + active.length + removals.length;
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

/**
 * Every acknowledged step is in the store: same session, at least its revision. Read
 * through `reader`, a runtime that does not hold the sessions live (a live one would
 * answer from memory).
 */
async function expectAcknowledgedKept(
  reader: Runtime,
  acknowledged: Iterable<AcknowledgedStep>,
): Promise<number> {
  let checked = 0;
  for (const step of acknowledged) {
    const view = await reader.getSession(step.key);
    expect(view?.sessionId, JSON.stringify(step)).toBe(step.sessionId);
    expect(view?.revision ?? 0, JSON.stringify(step)).toBeGreaterThanOrEqual(step.minRevision);
    checked += 1;
  }
  return checked;
}

/** Drives each session to completion and records it as acknowledged. */
async function completeAll(runtime: Runtime, keys: SessionKey[]): Promise<AcknowledgedStep[]> {
  const acknowledged: AcknowledgedStep[] = [];
  for (const key of keys) {
    const view = await driveToCompletion(runtime, key, createSeededRandom(random.fork()));
    acknowledged.push({
      key,
      sessionId: view.sessionId,
      minRevision: view.revision,
      state: 'complete',
    });
  }
  return acknowledged;
}

/** A session whose ML training waits for data. */
async function startMidway(runtime: Runtime, prefix: string): Promise<SessionKey> {
  const key = { userId: `${prefix}-midway`, conversationId: 'chat' };
  await runtime.getOrCreateSession(key);
  expect((await runtime.startWorkflow(key, 'ml_training')).ok).toBe(true);
  return key;
}

describe('Redis outages', () => {
  let redis: RedisServer | undefined;
  let store: ChatflowStore | undefined;
  let runtime: Runtime | undefined;
  let shift = { ms: 0 };
  const others: Runtime[] = [];

  /** A runtime on the same store that holds no session live, as after a restart. */
  function restarted(): Runtime {
    const other = runtimeOn(store!);
    others.push(other);
    return other;
  }

  beforeEach(async () => {
    unhandled.length = 0;
    redis = await startRedisServer({
      dir: mkdtempSync(join(directory, 'redis-')),
      appendOnly: true,
      fsyncAlways: true,
    });
    store = createStore(redis.url, storeOptions);
    shift = { ms: 0 };
    runtime = runtimeOn(store, shift);
  });

  afterEach(async () => {
    redis?.resume();
    for (const other of others.splice(0)) await other.shutdown();
    await runtime?.shutdown();
    await store?.[sessionStoreSymbol].close();
    await redis?.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });

  it('should fail every write fast while Redis is killed, answer reads of live sessions from memory, and serve again, same runtime, once it restarts', async () => {
    const serving = runtime!;
    const keys = keysOf('stopped', 4);
    const acknowledged = await completeAll(serving, keys);
    await serving.storeData(keys[0]!, table, { name: 'kept.csv' });
    await serving.addToHistory(keys[0]!, { role: 'user', text: 'kept' });
    const midway = await startMidway(serving, 'stopped');
    const unborn = { userId: 'stopped-unborn', conversationId: 'chat' };
    const before = await answered(serving, [...keys, midway]);

    await redis!.stop();
    const answeredReads = await expectLiveReadsAnswered(serving, before);
    const refusedLive = await expectLiveWritesUnavailable(serving, shift, {
      keys,
      midway,
      withData: keys[0]!,
      unborn,
    });
    // A runtime that does not hold the sessions reads the store first: every call fails.
    const refusedCold = await expectEveryOperationUnavailable(restarted(), keys);
    const health = await settleWithin(serving.health(), hangGuardMs);
    expect(health.status).toBe('fulfilled');
    if (health.status === 'fulfilled') expect(health.value.status).toBe('degraded');

    await redis!.start();
    // Creating a session writes: the same runtime serves again.
    expect((await untilServing(() => serving.getOrCreateSession(unborn))).reset).toBeUndefined();
    const reader = restarted();
    const checked = await expectAcknowledgedKept(reader, acknowledged);
    // Nothing the outage refused happened: the data, the history, the workflows and the
    // sessions are in the store as they were.
    expect((await reader.getData(keys[0]!))?.numRows).toBe(3);
    expect((await reader.getHistory(keys[0]!)).map((message) => message.text)).toEqual(['kept']);
    for (const { key, view, history } of before) {
      const stored = await reader.getSession(key);
      expect(stored?.revision).toBe(view.revision);
      expect(stored?.workflow).toEqual(view.workflow);
      expect((await reader.getHistory(key)).map((message) => message.text)).toEqual(history);
    }
    expect(
      (await serving.send(midway, { type: 'data.uploaded', dataset: exampleDataset() })).ok,
    ).toBe(true);
    for (const key of keys) {
      const view = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      expect(view.workflow?.state).toBe('complete');
    }
    expect((await serving.health()).status).toBe('healthy');
    console.log(
      'Redis killed and restarted:',
      JSON.stringify({
        liveReadsAnswered: answeredReads,
        liveCallsRefused: refusedLive,
        coldCallsRefused: refusedCold,
        acknowledgedChecked: checked,
        losses: 0,
      }),
    );
  });

  it('should time writes out while Redis is frozen (SIGSTOP), answer reads of live sessions from memory, and serve again once it thaws', async () => {
    const serving = runtime!;
    const keys = keysOf('frozen', 3);
    const acknowledged = await completeAll(serving, keys);
    await serving.storeData(keys[0]!, table, { name: 'kept.csv' });
    const midway = await startMidway(serving, 'frozen');
    const unborn = { userId: 'frozen-unborn', conversationId: 'chat' };
    const before = await answered(serving, [...keys, midway]);

    redis!.pause();
    const answeredReads = await expectLiveReadsAnswered(serving, before);
    // Writes that time out may still run once Redis thaws: none here deletes a session,
    // so that every acknowledged step can be checked after.
    const timedOutLive = await expectLiveWritesUnavailable(serving, shift, {
      keys,
      midway,
      withData: keys[0]!,
      unborn,
      keepRecords: true,
    });
    // A runtime that does not hold the sessions reads first: every call times out
    // before it writes anything.
    const timedOutCold = await expectEveryOperationUnavailable(restarted(), keys);
    redis!.resume();

    expect((await untilServing(() => serving.getOrCreateSession(unborn))).reset).toBeUndefined();
    const reader = restarted();
    const checked = await expectAcknowledgedKept(reader, acknowledged);
    // A write that timed out ran at most once.
    for (const key of keys) {
      const texts = (await reader.getHistory(key)).map((message) => message.text);
      expect(texts.filter((text) => text === 'hello?').length).toBeLessThanOrEqual(1);
    }
    // Each session is whole (no reset, readable) and carries on in the same runtime.
    for (const key of [...keys, midway]) {
      const view = await serving.getOrCreateSession(key);
      expect(view.reset).toBeUndefined();
      const done = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      expect(done.workflow?.state).toBe('complete');
    }
    console.log(
      'Redis frozen and thawed:',
      JSON.stringify({
        liveReadsAnswered: answeredReads,
        liveCallsTimedOut: timedOutLive,
        coldCallsTimedOut: timedOutCold,
        acknowledgedChecked: checked,
        losses: 0,
      }),
    );
  });

  it('should read a session again after a step whose write timed out but went through, and take the next message on the stored step', async () => {
    const serving = runtime!;
    const key = await startMidway(serving, 'held');
    const raw = await connectRawRedis(redis!.port);
    try {
      // Redis holds writes for three command timeouts: the step's compare-and-set times
      // out (StoreUnavailableError, outcome unknown), then runs.
      expect(await raw.command('CLIENT', 'PAUSE', String(timeoutMs * 3), 'WRITE')).toBe('OK');
      await expectUnavailable(
        'send',
        serving.send(key, { type: 'data.uploaded', dataset: exampleDataset() }),
      );
    } finally {
      raw.close();
    }
    const reader = restarted();
    await untilServing(async () => {
      const state = (await reader.getSession(key))?.workflow?.state;
      if (state !== 'selecting_target') throw new Error(`the held write has not run: ${state}`);
    });
    // The runtime cannot know whether its write went through, so it reads the record
    // again before it answers.
    expect((await serving.getOrCreateSession(key)).workflow?.state).toBe('selecting_target');
    // The user's next message fits the step stored, and is taken there.
    const next = await serving.send(key, { type: 'target.selected', column: 'price' });
    expect(next).toMatchObject({ ok: true, state: 'selecting_features' });
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
    const checked = await expectAcknowledgedKept(restarted(), traffic.acknowledged.values());
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
    const shift = { ms: 0 };
    const serving = runtimeOn(store, shift);
    const keys = keysOf('locked', 3);
    const acknowledged = await completeAll(serving, keys);
    await serving.storeData(keys[0]!, table, { name: 'kept.csv' });
    const midway = await startMidway(serving, 'locked');
    const unborn = { userId: 'locked-unborn', conversationId: 'chat' };
    const before = await answered(serving, [...keys, midway]);
    const cold = runtimeOn(store);

    const locker = createStore(`sqlite://${file}`, storeOptions);
    const query = (locker.store as { query(sql: string): Promise<unknown> }).query;
    await query('BEGIN EXCLUSIVE');
    let refused = 0;
    let answeredReads = 0;
    try {
      answeredReads = await expectLiveReadsAnswered(serving, before);
      refused = await expectLiveWritesUnavailable(serving, shift, {
        keys,
        midway,
        withData: keys[0]!,
        unborn,
        readsFail: false,
      });
      // Readers are not blocked by a writer: data is read from the file, and a runtime
      // that does not hold the sessions reads them from it.
      expect((await serving.getData(keys[0]!))?.numRows).toBe(3);
      for (const key of keys) {
        const view = await cold.getSession(key);
        expect(view?.workflow?.state).toBe('complete');
      }
    } finally {
      await query('ROLLBACK');
      await locker[sessionStoreSymbol].close();
    }
    await cold.shutdown();

    const reader = runtimeOn(store);
    const checked = await expectAcknowledgedKept(reader, acknowledged);
    for (const { key, view } of before) {
      expect((await reader.getSession(key))?.revision).toBe(view.revision);
    }
    await reader.shutdown();
    expect((await serving.getOrCreateSession(unborn)).reset).toBeUndefined();
    for (const key of keys) {
      const done = await driveToCompletion(serving, key, createSeededRandom(random.fork()));
      expect(done.workflow?.state).toBe('complete');
    }
    await serving.shutdown();
    await store[sessionStoreSymbol].close();
    console.log(
      'SQLite locked:',
      JSON.stringify({
        liveReadsAnswered: answeredReads,
        writesRefused: refused,
        acknowledgedChecked: checked,
        losses: 0,
      }),
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
