import {
  exampleDataset,
  type TrainModelInput,
  type TrainModelOutput,
  workflows,
} from '@chatflow/machines';
import {
  createRuntime,
  encodeId,
  normalizeSessionKey,
  type Runtime,
  type RuntimeConfigInput,
  type SessionKey,
  SessionNotFoundError,
  sessionStorageKey,
  sessionStoreSymbol,
} from '@chatflow/runtime';
import { tableFromArrays } from 'apache-arrow';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { backendNames, type OpenBackend, openBackend } from '../src/openBackend.ts';
import {
  encodingsOf,
  type Finding,
  needlesIn,
  scanRedis,
  scanSessionStore,
  scanSqlite,
} from '../src/scanForNeedles.ts';
import { createSeededRandom, seedFromEnv } from '../src/seededRandom.ts';

const random = createSeededRandom(seedFromEnv('CHATFLOW_ERASURE_SEED'));

describe.each(backendNames)('isolation and erasure on %s', (name) => {
  const token = random.int(0x10000000, 0x7fffffff).toString(36);
  const alice = `Ålice:{${token}}/%7E🙂`;
  const bob = `bob:{${token}}/%41`;
  const aliceChats = ['group-1', `dm:${token}`, 'broken'];
  const aliceKeys: SessionKey[] = aliceChats.map((conversationId) => ({
    userId: alice,
    conversationId,
  }));
  const bobKey: SessionKey = { userId: bob, conversationId: 'group-1' };
  const secretText = (user: string) => `private note of ${user}`;
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });

  let backend: OpenBackend;
  let runtime: Runtime;
  let releaseTraining: () => void = () => undefined;
  const trainModel = fromPromise<TrainModelOutput, TrainModelInput>(
    ({ input }) =>
      new Promise((resolve) => {
        const finish = () => resolve({ modelId: `model-${input.target}`, metrics: { r2: 0.5 } });
        if (input.modelType === 'random_forest_regression') releaseTraining = finish;
        else finish();
      }),
  );

  /** A session with history, data holding the user's id, and a finished or running training. */
  async function populate(key: SessionKey, modelType: string): Promise<void> {
    const user = String(key.userId);
    await runtime.getOrCreateSession(key);
    await runtime.addToHistory(key, { role: 'user', text: secretText(user), metadata: { user } });
    const dataset = await runtime.storeData(
      key,
      tableFromArrays({ owner: [user, user], price: Float64Array.from([1, 2]) }),
      { name: `${user}.csv` },
    );
    await runtime.startWorkflow(key, 'ml_training');
    const steps = [
      { type: 'data.uploaded', dataset: { ...dataset, columns: exampleDataset().columns } },
      { type: 'target.selected', column: 'price' },
      { type: 'features.selected', columns: ['rooms'] },
      { type: 'model.confirmed', modelType },
    ];
    for (const step of steps) expect((await runtime.send(key, step)).ok).toBe(true);
  }

  /** Everything a user's sessions hold, as JSON. */
  async function holdings(keys: SessionKey[], reader = runtime): Promise<string> {
    const parts = [];
    for (const key of keys) {
      const view = await reader.getSession(key);
      const history = view === undefined ? null : await reader.getHistory(key, 50);
      const data = view === undefined ? null : await reader.getData(key);
      parts.push({ view, history, rows: data?.toArray().map((row) => row.toJSON()) ?? null });
    }
    return JSON.stringify(parts);
  }

  /** Runs `read` through a runtime on the same store that holds no session live, as after a restart. */
  async function readFresh<T>(
    read: (reader: Runtime) => Promise<T>,
    config: RuntimeConfigInput = {},
  ): Promise<T> {
    const reader = createRuntime({
      workflows,
      store: backend.store,
      logger,
      actors: { trainModel },
      config,
    });
    try {
      return await read(reader);
    } finally {
      await reader.shutdown();
    }
  }

  async function scanAll(needles: string[]): Promise<Finding[]> {
    const findings = await scanSessionStore(backend.store[sessionStoreSymbol], needles);
    if (name === 'redis') findings.push(...(await scanRedis(await backend.rawRedis(), needles)));
    if (name === 'sqlite') findings.push(...(await scanSqlite(backend.sql, needles)));
    return findings;
  }

  beforeAll(async () => {
    backend = await openBackend(name);
    runtime = createRuntime({ workflows, store: backend.store, logger, actors: { trainModel } });
    await populate(aliceKeys[0]!, 'linear_regression');
    await populate(aliceKeys[1]!, 'random_forest_regression'); // stays in training
    await populate(aliceKeys[2]!, 'linear_regression');
    await populate(bobKey, 'linear_regression');
    // One of Alice's records is damaged. The runtime holding it live notices at its next
    // write (its compare-and-set fails, the record read then is unreadable), writes
    // nothing, and getOrCreateSession sets the record aside in quarantine.
    const sessions = backend.store[sessionStoreSymbol];
    const broken = sessionStorageKey(normalizeSessionKey(aliceKeys[2]!));
    const stored = (await sessions.get(broken))!;
    expect(
      await sessions.compareAndSet(broken, stored.revision, {
        value: stored.value.slice(0, 40),
        revision: stored.revision + 1,
      }),
    ).toBe(true);
    await expect(
      runtime.addToHistory(aliceKeys[2]!, { role: 'user', text: 'lost to the damage' }),
    ).rejects.toBeInstanceOf(SessionNotFoundError);
    expect((await sessions.get(broken))?.value).toBe(stored.value.slice(0, 40));
    expect((await runtime.getOrCreateSession(aliceKeys[2]!)).reset).toBe('unreadable');
    await runtime.addToHistory(aliceKeys[2]!, { role: 'user', text: secretText(alice) });
  });
  afterAll(async () => {
    releaseTraining();
    await runtime.shutdown();
    await backend.close();
  });

  it("should never let one user read, change or delete another user's session or data", async () => {
    // The first runtime holds Alice's sessions live and answers from memory
    // (trustLiveSessions), so what the store holds is compared through fresh runtimes.
    const aliceBefore = await holdings(aliceKeys);
    const aliceStoredBefore = await readFresh((reader) => holdings(aliceKeys, reader));
    const aliceView = (await runtime.getSession(aliceKeys[0]!))!;
    const attackers = [
      bob,
      alice.toUpperCase(),
      alice.normalize('NFD'),
      ` ${alice}`,
      `${alice} `,
      `${alice}\0`,
      encodeId(alice),
      alice.slice(0, -2),
      `${alice}}:s:group-1`,
      sessionStorageKey(normalizeSessionKey(aliceKeys[0]!)),
      aliceView.sessionId,
    ];
    const conversations = [
      'group-1',
      aliceKeys[1]!.conversationId,
      aliceView.sessionId,
      aliceView.dataset!.id,
      sessionStorageKey(normalizeSessionKey(aliceKeys[0]!)),
      `${encodeId(alice)}}:s:group-1`,
    ];
    let attempts = 0;
    for (const userId of attackers) {
      for (const conversationId of conversations) {
        const key = { userId, conversationId };
        const own = await runtime.getSession(key);
        if (own !== undefined) {
          // Only Bob has a session of his own here: it must be his.
          expect(own.userId).toBe(bob);
          expect(own.sessionId).not.toBe(aliceView.sessionId);
          continue;
        }
        const calls: (() => Promise<unknown>)[] = [
          () => runtime.getData(key),
          () => runtime.getHistory(key),
          () => runtime.send(key, { type: 'back' }),
          () => runtime.startWorkflow(key, 'ml_training'),
          () => runtime.cancelWorkflow(key),
          () => runtime.clearData(key),
          () => runtime.addToHistory(key, { role: 'user', text: 'overwritten' }),
          () => runtime.storeData(key, tableFromArrays({ x: Float64Array.from([0]) })),
          () => runtime.deleteSession(key),
        ];
        const refusals = [];
        for (const call of calls)
          refusals.push(await Promise.allSettled([call()]).then(([r]) => r!));
        for (const refusal of refusals) {
          expect(refusal.status).toBe('rejected');
          if (refusal.status === 'rejected') {
            expect(refusal.reason).toBeInstanceOf(SessionNotFoundError);
          }
        }
        attempts += refusals.length;
      }
      if (userId !== bob) {
        const forgotten = await runtime.forgetUser(userId);
        expect(forgotten.sessions + forgotten.dataBlobs + forgotten.quarantined).toBe(0);
        attempts += 1;
      }
    }
    // Creating sessions with Alice's key material gives empty sessions of one's own.
    const mallory = `mallory-${token}`;
    for (const conversationId of conversations) {
      const created = await runtime.getOrCreateSession({ userId: mallory, conversationId });
      expect(created.sessionId).not.toBe(aliceView.sessionId);
      expect(created.userId).toBe(mallory);
      expect(created.dataset).toBeNull();
      expect(await runtime.getHistory({ userId: mallory, conversationId })).toEqual([]);
    }
    expect((await runtime.forgetUser(mallory)).sessions).toBe(conversations.length);
    expect(await holdings(aliceKeys)).toBe(aliceBefore);
    expect(await readFresh((reader) => holdings(aliceKeys, reader))).toBe(aliceStoredBefore);
    console.log(`${name}: cross-user calls refused`, attempts, 'leaks: 0');
  });

  it('should leave nothing of a forgotten user in the store, raw scan included, and keep the others', async () => {
    const aliceNeedles = encodingsOf(alice);
    const bobNeedles = encodingsOf(bob);
    // The scans see both users before, so an empty scan after means something.
    const seenBefore = await scanAll([...aliceNeedles, ...bobNeedles]);
    expect(
      seenBefore.filter((finding) => aliceNeedles.includes(finding.needle)).length,
    ).toBeGreaterThan(0);
    const bobBefore = await holdings([bobKey]);
    expect((await runtime.getSession(aliceKeys[1]!))?.workflow?.state).toBe('training');
    // A runtime that reads the store before each operation also holds two of Alice's
    // sessions live (not the one in training: its work stays with the first runtime).
    const careful = createRuntime({
      workflows,
      store: backend.store,
      logger,
      actors: { trainModel },
      config: { trustLiveSessions: false },
    });
    const settled = [aliceKeys[0]!, aliceKeys[2]!];
    for (const key of settled) expect((await careful.getSession(key))?.userId).toBe(alice);

    // Forgotten from another runtime, which never loaded Alice, while the first one
    // still trains a model of hers.
    const other = createRuntime({
      workflows,
      store: backend.store,
      logger,
      actors: { trainModel },
    });
    const removed = await other.forgetUser(alice);
    expect(removed.sessions).toBe(3);
    expect(removed.quarantined).toBe(1);
    expect(removed.dataBlobs).toBeGreaterThanOrEqual(2);
    await other.shutdown();
    for (const key of settled) {
      expect(await careful.getSession(key)).toBeUndefined();
      await expect(careful.getHistory(key)).rejects.toBeInstanceOf(SessionNotFoundError);
    }
    await careful.shutdown();
    releaseTraining();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The first runtime trusts what it holds live until it writes: each write it tries
    // on Alice's sessions finds the record gone and writes nothing (the scan below would
    // find her text), and the session is then gone from it too.
    for (const key of aliceKeys) {
      await expect(
        runtime.addToHistory(key, { role: 'user', text: secretText(alice), metadata: { alice } }),
      ).rejects.toBeInstanceOf(SessionNotFoundError);
      expect(await runtime.getSession(key)).toBeUndefined();
      await expect(runtime.getHistory(key)).rejects.toBeInstanceOf(SessionNotFoundError);
    }
    await runtime.shutdown();

    const left = await scanAll(aliceNeedles);
    expect(left).toEqual([]);
    const bobLeft = await scanAll(bobNeedles);
    expect(bobLeft.length).toBeGreaterThan(0);
    const reader = createRuntime({
      workflows,
      store: backend.store,
      logger,
      actors: { trainModel },
    });
    expect(await holdings([bobKey], reader)).toBe(bobBefore);
    await reader.shutdown();
    console.log(
      `${name}: erasure`,
      JSON.stringify({
        foundBefore: seenBefore.length,
        removed,
        foundAfter: left.length,
        otherUserKept: bobLeft.length,
      }),
    );
  });

  it('should keep only truncated ids in audit and fault lines, never text or data', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const text = logLines.join('');
    const forbidden = [
      ...encodingsOf(alice),
      ...encodingsOf(bob),
      secretText(alice),
      secretText(bob),
      `dm:${token}`,
    ];
    expect(needlesIn(text, forbidden)).toEqual([]);
    const audit = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const users = new Set(audit.map((line) => line.user).filter((user) => user !== undefined));
    expect(users).toContain(`${alice.slice(0, 8)}…`);
    for (const user of users) expect(String(user).length).toBeLessThanOrEqual(9);
    for (const line of audit) {
      for (const field of ['conversation', 'session']) {
        if (line[field] !== undefined) expect(String(line[field]).length).toBeLessThanOrEqual(9);
      }
    }
    console.log(`${name}: log lines checked`, logLines.length, 'full ids: 0');
  });
});
