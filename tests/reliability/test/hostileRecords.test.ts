import { exampleDataset, workflows } from '@chatflow/machines';
import {
  createRuntime,
  dataStorageKey,
  normalizeSessionKey,
  type Runtime,
  type RuntimeConfigInput,
  type SessionKey,
  SessionNotFoundError,
  sessionStorageKey,
  sessionStoreSymbol,
  userKeyPrefix,
} from '@chatflow/runtime';
import { tableFromArrays } from 'apache-arrow';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Bystanders, createBystanders } from '../src/bystanders.ts';
import { backendNames, type OpenBackend, openBackend } from '../src/openBackend.ts';
import { watchPrototypes } from '../src/prototypeGuard.ts';

/** A change made to a stored record: from its JSON text to the text written instead. */
type Damage = (value: string, other: string) => string;

const unreadable: [string, Damage][] = [
  ['not JSON', () => 'garbage{{{'],
  ['truncated', (value) => value.slice(0, Math.floor(value.length / 2))],
  ['cut one byte short', (value) => value.slice(0, -1)],
  ['empty', () => ''],
  ['JSON of another shape', () => '{"hello":"world"}'],
  ['JSON null', () => 'null'],
  ['a record of another format', (value) => JSON.stringify({ ...JSON.parse(value), format: 2 })],
  ['a record of another user', (_, other) => other],
  [
    'a record carrying __proto__ keys',
    (value) =>
      value.replace(
        '{',
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
      ),
  ],
];

const changedWorkflow: [string, (record: Record<string, unknown>) => void][] = [
  ['an older machine version', (record) => ((record.workflow as { version: number }).version = 0)],
  ['a newer machine version', (record) => ((record.workflow as { version: number }).version = 99)],
  [
    'a workflow type that left the catalogue',
    (record) => ((record.workflow as { type: string }).type = 'retired'),
  ],
  [
    'a state the machine no longer has',
    (record) => {
      (record.workflow as { snapshot: { value: string } }).snapshot.value = 'no_such_state';
    },
  ],
];

describe.each(backendNames)('records written straight into %s', (name) => {
  let backend: OpenBackend;
  let runtime: Runtime;
  let bystanders: Bystanders;
  let before: string;
  let counter = 0;
  const other: SessionKey = { userId: 'someone-else', conversationId: 'chat' };
  const restarts: Runtime[] = [];

  /**
   * A runtime on the same store that holds no session live, as after a restart: it reads
   * every record from the store. The first runtime trusts the sessions it holds live
   * (`trustLiveSessions`) and reads a record again only after a write of its fails.
   */
  function restarted(config: RuntimeConfigInput = {}): Runtime {
    const fresh = createRuntime({
      workflows,
      store: backend.store,
      logger: pino({ level: 'silent' }),
      config,
    });
    restarts.push(fresh);
    return fresh;
  }

  /** A session halfway through training, with history, a model and data. */
  async function victim(owner = runtime): Promise<{ key: SessionKey; storageKey: string }> {
    const key = { userId: `victim-${++counter}`, conversationId: 'chat' };
    await owner.getOrCreateSession(key);
    await owner.addToHistory(key, { role: 'user', text: 'keep me' });
    await owner.storeData(key, tableFromArrays({ a: Float64Array.from([1, 2]) }));
    await owner.startWorkflow(key, 'ml_training');
    await owner.send(key, { type: 'data.uploaded', dataset: exampleDataset() });
    return { key, storageKey: sessionStorageKey(normalizeSessionKey(key)) };
  }

  async function stored(storageKey: string): Promise<string | undefined> {
    return (await backend.store[sessionStoreSymbol].get(storageKey))?.value;
  }

  async function overwrite(storageKey: string, value: string): Promise<string> {
    const sessions = backend.store[sessionStoreSymbol];
    const current = await sessions.get(storageKey);
    const revision = current?.revision ?? 0;
    expect(
      await sessions.compareAndSet(storageKey, revision, { value, revision: revision + 1 }),
    ).toBe(true);
    return current?.value ?? '';
  }

  /** Writes `damage` of the victim's record over it; resolves to what was written. */
  async function damageRecord(storageKey: string, damage: Damage): Promise<string> {
    const foreign = (await stored(sessionStorageKey(normalizeSessionKey(other))))!;
    const bad = damage((await stored(storageKey))!, foreign);
    await overwrite(storageKey, bad);
    return bad;
  }

  async function quarantined(key: SessionKey): Promise<string[]> {
    const sessions = backend.store[sessionStoreSymbol];
    const values: string[] = [];
    for await (const stored of sessions.keys(`${userKeyPrefix(key.userId)}q:`)) {
      values.push((await sessions.get(stored))?.value ?? '');
    }
    return values;
  }

  /** A fresh session after an unreadable record: it works and holds nothing of anyone. */
  async function expectFreshAfterUnreadable(reader: Runtime, key: SessionKey, bad: string) {
    const fresh = await reader.getOrCreateSession(key);
    expect(fresh.reset).toBe('unreadable');
    expect(fresh.workflow).toBeNull();
    expect(fresh.models).toEqual([]);
    expect(await quarantined(key)).toEqual([bad]);
    expect((await reader.startWorkflow(key, 'ml_training')).ok).toBe(true);
    expect(await reader.getHistory(key)).toEqual([]);
    expect((await reader.getSession(other))?.workflow?.type).toBe('data_exploration');
  }

  beforeAll(async () => {
    backend = await openBackend(name);
    runtime = createRuntime({ workflows, store: backend.store, logger: pino({ level: 'silent' }) });
    bystanders = await createBystanders(runtime, `records-${name}`);
    await runtime.getOrCreateSession(other);
    await runtime.startWorkflow(other, 'data_exploration');
    // Compared through runtimes that read the store, not through the live registry.
    before = await bystanders.snapshot(restarted());
    expect(await bystanders.snapshot()).toBe(before);
  });
  afterEach(async () => {
    for (const fresh of restarts.splice(0)) await fresh.shutdown();
  });
  afterAll(async () => {
    await runtime.shutdown();
    await backend.close();
  });

  it.each(unreadable)(
    'should quarantine a record that is %s when a runtime reads it and give the user a fresh session',
    async (_, damage) => {
      const changes = watchPrototypes();
      const { key, storageKey } = await victim();
      const bad = await damageRecord(storageKey, damage);

      const reader = restarted();
      expect(await reader.getSession(key)).toBeUndefined();
      await expect(reader.send(key, { type: 'back' })).rejects.toBeInstanceOf(SessionNotFoundError);
      await expectFreshAfterUnreadable(reader, key, bad);
      expect(await bystanders.snapshot(restarted())).toBe(before);
      expect(await bystanders.snapshot()).toBe(before);
      expect(changes()).toEqual([]);
    },
  );

  it.each(unreadable)(
    'should notice a record that is %s at the next write of the runtime holding it live, write nothing over it and quarantine it',
    async (_, damage) => {
      const changes = watchPrototypes();
      const { key, storageKey } = await victim();
      const held = await runtime.getSession(key);
      expect(held?.workflow?.state).toBe('selecting_target');
      const bad = await damageRecord(storageKey, damage);

      // Until its next write, the runtime answers from the session it holds.
      expect(await runtime.getSession(key)).toEqual(held);
      // That write's compare-and-set fails; the record read then is unreadable: the step
      // is refused and the damage stays as it was for the quarantine.
      await expect(
        runtime.send(key, { type: 'target.selected', column: 'price' }),
      ).rejects.toBeInstanceOf(SessionNotFoundError);
      expect(await stored(storageKey)).toBe(bad);
      expect(await quarantined(key)).toEqual([]);
      expect(await runtime.getSession(key)).toBeUndefined();
      await expectFreshAfterUnreadable(runtime, key, bad);
      expect(await bystanders.snapshot(restarted())).toBe(before);
      expect(await bystanders.snapshot()).toBe(before);
      expect(changes()).toEqual([]);
    },
  );

  it.each(unreadable)(
    'should quarantine a record that is %s at the next read of a runtime that reads before each operation (trustLiveSessions: false)',
    async (_, damage) => {
      const changes = watchPrototypes();
      const careful = restarted({ trustLiveSessions: false });
      const { key, storageKey } = await victim(careful);
      const bad = await damageRecord(storageKey, damage);

      expect(await careful.getSession(key)).toBeUndefined();
      await expect(careful.send(key, { type: 'back' })).rejects.toBeInstanceOf(
        SessionNotFoundError,
      );
      await expectFreshAfterUnreadable(careful, key, bad);
      expect(await bystanders.snapshot(restarted())).toBe(before);
      expect(changes()).toEqual([]);
    },
  );

  /** The rest of a session whose workflow was reset: history and data kept, a new workflow starts. */
  async function expectRestKept(reader: Runtime, key: SessionKey) {
    expect((await reader.getHistory(key)).map((message) => message.text)).toEqual(['keep me']);
    expect((await reader.getData(key))?.numRows).toBe(2);
    expect((await reader.startWorkflow(key, 'ml_training')).ok).toBe(true);
  }

  it.each(changedWorkflow)(
    'should reset the workflow of a record of %s when a runtime reads it and keep the rest of the session',
    async (_, change) => {
      const { key, storageKey } = await victim();
      const record = JSON.parse((await stored(storageKey))!);
      change(record);
      await overwrite(storageKey, JSON.stringify(record));
      const reader = restarted();
      const view = await reader.getOrCreateSession(key);
      expect(view.reset).toBe('workflow_changed');
      expect(view.workflow).toBeNull();
      await expectRestKept(reader, key);
      expect(await bystanders.snapshot(restarted())).toBe(before);
    },
  );

  it.each(changedWorkflow)(
    'should take the next step of the runtime holding it live on a record of %s read again, and reset its workflow',
    async (_, change) => {
      const { key, storageKey } = await victim();
      const record = JSON.parse((await stored(storageKey))!);
      change(record);
      const changed = JSON.stringify(record);
      await overwrite(storageKey, changed);
      expect((await runtime.getSession(key))?.workflow?.state).toBe('selecting_target');

      // The step's compare-and-set fails; on the record read then there is no workflow
      // to take it, and nothing of the old workflow is written back.
      const step = await runtime.send(key, { type: 'target.selected', column: 'price' });
      expect(step).toMatchObject({ ok: false, code: 'NO_ACTIVE_WORKFLOW' });
      expect(await stored(storageKey)).toBe(changed);
      const view = await runtime.getOrCreateSession(key);
      expect(view.reset).toBe('workflow_changed');
      expect(view.workflow).toBeNull();
      await expectRestKept(runtime, key);
      expect(await bystanders.snapshot(restarted())).toBe(before);
    },
  );

  it('should refuse a truncated data blob with an error and keep the session', async () => {
    const { key } = await victim();
    const view = await runtime.getSession(key);
    const dataKey = dataStorageKey(String(key.userId), view!.sessionId, view!.dataset!.id);
    const sessions = backend.store[sessionStoreSymbol];
    const bytes = (await sessions.getBytes(dataKey))!;
    await sessions.setBytes(dataKey, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    await expect(runtime.getData(key)).rejects.toBeInstanceOf(Error);
    await expect(restarted().getData(key)).rejects.toBeInstanceOf(Error);
    expect((await runtime.send(key, { type: 'target.selected', column: 'price' })).ok).toBe(true);
    expect(await bystanders.snapshot(restarted())).toBe(before);
  });

  /** Damages the bytes of a record in the backend itself (in memory: writes a string of them). */
  async function damageBytes(storageKey: string): Promise<void> {
    const garbage = Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0xc3, 0x28]);
    if (name === 'redis') {
      const raw = await backend.rawRedis();
      expect(await raw.command('HSET', `chatflow:s:${storageKey}`, 'val', garbage)).toBe(0);
    } else if (name === 'sqlite') {
      await backend.sql(
        'UPDATE chatflow_records SET value = CAST(? AS TEXT) WHERE key = ?',
        garbage,
        storageKey,
      );
    } else {
      // The memory store keeps strings: the nearest damage is a string of those bytes.
      await overwrite(storageKey, garbage.toString('latin1'));
    }
  }

  it('should quarantine a record whose bytes were damaged in the backend itself', async () => {
    const { key, storageKey } = await victim();
    await damageBytes(storageKey);
    const reader = restarted();
    expect(await reader.getSession(key)).toBeUndefined();
    const fresh = await reader.getOrCreateSession(key);
    expect(fresh.reset).toBe('unreadable');
    expect(await quarantined(key)).toHaveLength(1);
    expect((await reader.startWorkflow(key, 'ml_training')).ok).toBe(true);
    expect(await bystanders.snapshot(restarted())).toBe(before);
  });

  it('should keep the live runtime working on a record whose bytes were damaged in place: the revision tells a write apart, not the bytes', async () => {
    const { key, storageKey } = await victim();
    const held = await runtime.getSession(key);
    await damageBytes(storageKey);
    const step = runtime.send(key, { type: 'target.selected', column: 'price' });
    if (name === 'memory') {
      // Damage in memory is a write (a new revision): the step's compare-and-set fails
      // and the damage is read, refused and quarantined, as with any other runtime.
      await expect(step).rejects.toBeInstanceOf(SessionNotFoundError);
      expect((await runtime.getOrCreateSession(key)).reset).toBe('unreadable');
      expect(await quarantined(key)).toHaveLength(1);
      return;
    }
    // SQLite and Redis damaged in place keep the revision, so the compare-and-set of the
    // runtime holding the session live goes through: its step is applied to the session
    // it held (nothing acknowledged is lost) and the record written over the damage reads
    // again everywhere. The damaged bytes are not quarantined: nothing read them.
    expect(await step).toMatchObject({ ok: true, state: 'selecting_features' });
    const reader = restarted();
    const view = await reader.getSession(key);
    expect(view?.workflow?.state).toBe('selecting_features');
    expect(view?.sessionId).toBe(held?.sessionId);
    expect(view?.revision).toBe(held!.revision + 1);
    expect((await reader.getHistory(key)).map((message) => message.text)).toEqual(['keep me']);
    expect((await reader.getOrCreateSession(key)).reset).toBeUndefined();
    expect(await quarantined(key)).toEqual([]);
    expect(await bystanders.snapshot(restarted())).toBe(before);
  });
});
