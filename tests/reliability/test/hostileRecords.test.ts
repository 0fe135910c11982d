import { exampleDataset, workflows } from '@chatflow/machines';
import {
  createRuntime,
  dataStorageKey,
  normalizeSessionKey,
  type Runtime,
  type SessionKey,
  SessionNotFoundError,
  sessionStorageKey,
  sessionStoreSymbol,
  userKeyPrefix,
} from '@chatflow/runtime';
import { tableFromArrays } from 'apache-arrow';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  /** A session halfway through training, with history, a model and data. */
  async function victim(): Promise<{ key: SessionKey; storageKey: string }> {
    const key = { userId: `victim-${++counter}`, conversationId: 'chat' };
    await runtime.getOrCreateSession(key);
    await runtime.addToHistory(key, { role: 'user', text: 'keep me' });
    await runtime.storeData(key, tableFromArrays({ a: Float64Array.from([1, 2]) }));
    await runtime.startWorkflow(key, 'ml_training');
    await runtime.send(key, { type: 'data.uploaded', dataset: exampleDataset() });
    return { key, storageKey: sessionStorageKey(normalizeSessionKey(key)) };
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

  async function quarantined(key: SessionKey): Promise<string[]> {
    const sessions = backend.store[sessionStoreSymbol];
    const values: string[] = [];
    for await (const stored of sessions.keys(`${userKeyPrefix(key.userId)}q:`)) {
      values.push((await sessions.get(stored))?.value ?? '');
    }
    return values;
  }

  beforeAll(async () => {
    backend = await openBackend(name);
    runtime = createRuntime({ workflows, store: backend.store, logger: pino({ level: 'silent' }) });
    bystanders = await createBystanders(runtime, `records-${name}`);
    await runtime.getOrCreateSession(other);
    await runtime.startWorkflow(other, 'data_exploration');
    before = await bystanders.snapshot();
  });
  afterAll(async () => {
    await runtime.shutdown();
    await backend.close();
  });

  it.each(unreadable)(
    'should quarantine a record that is %s and give the user a fresh session',
    async (_, damage) => {
      const changes = watchPrototypes();
      const { key, storageKey } = await victim();
      const foreign = (await backend.store[sessionStoreSymbol].get(
        sessionStorageKey(normalizeSessionKey(other)),
      ))!.value;
      const original = (await backend.store[sessionStoreSymbol].get(storageKey))!.value;
      const bad = damage(original, foreign);
      await overwrite(storageKey, bad);

      expect(await runtime.getSession(key)).toBeUndefined();
      await expect(runtime.send(key, { type: 'back' })).rejects.toBeInstanceOf(
        SessionNotFoundError,
      );
      const fresh = await runtime.getOrCreateSession(key);
      expect(fresh.reset).toBe('unreadable');
      expect(fresh.workflow).toBeNull();
      expect(fresh.models).toEqual([]);
      expect(await quarantined(key)).toEqual([bad]);
      // The fresh session works, and nothing of another user came with it.
      expect((await runtime.startWorkflow(key, 'ml_training')).ok).toBe(true);
      expect(await runtime.getHistory(key)).toEqual([]);
      expect((await runtime.getSession(other))?.workflow?.type).toBe('data_exploration');
      expect(await bystanders.snapshot()).toBe(before);
      expect(changes()).toEqual([]);
    },
  );

  it.each(changedWorkflow)(
    'should reset the workflow of a record of %s and keep the rest of the session',
    async (_, change) => {
      const { key, storageKey } = await victim();
      const record = JSON.parse((await backend.store[sessionStoreSymbol].get(storageKey))!.value);
      change(record);
      await overwrite(storageKey, JSON.stringify(record));
      const view = await runtime.getOrCreateSession(key);
      expect(view.reset).toBe('workflow_changed');
      expect(view.workflow).toBeNull();
      expect((await runtime.getHistory(key)).map((message) => message.text)).toEqual(['keep me']);
      expect((await runtime.getData(key))?.numRows).toBe(2);
      expect((await runtime.startWorkflow(key, 'ml_training')).ok).toBe(true);
      expect(await bystanders.snapshot()).toBe(before);
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
    expect((await runtime.send(key, { type: 'target.selected', column: 'price' })).ok).toBe(true);
    expect(await bystanders.snapshot()).toBe(before);
  });

  it('should quarantine a record whose bytes were damaged in the backend itself', async () => {
    const { key, storageKey } = await victim();
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
    expect(await runtime.getSession(key)).toBeUndefined();
    const fresh = await runtime.getOrCreateSession(key);
    expect(fresh.reset).toBe('unreadable');
    expect(await quarantined(key)).toHaveLength(1);
    expect((await runtime.startWorkflow(key, 'ml_training')).ok).toBe(true);
    expect(await bystanders.snapshot()).toBe(before);
  });
});
