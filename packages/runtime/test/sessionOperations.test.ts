import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { SessionExpiredError, SessionNotFoundError } from '../src/errors.ts';
import { quarantineStorageKey, sessionStorageKey, userIndexKey } from '../src/keys.ts';
import { createKeyvSessionStore } from '../src/keyvSessionStore.ts';
import { createMemoryStore } from '../src/memoryStore.ts';
import type { RuntimeEvent } from '../src/types.ts';
import { createCountingStore } from './support/countingStore.ts';
import { counterWorkflow, fixtureWorkflows } from './support/fixtureWorkflows.ts';
import {
  createClock,
  createGate,
  createTestRuntime,
  nextEvent,
  sampleTable,
} from './support/testRuntime.ts';

const key = { userId: 42, conversationId: 'chat-7' };
const storageKey = sessionStorageKey({ userId: '42', conversationId: 'chat-7' });

function recordEvents(runtime: ReturnType<typeof createTestRuntime>['runtime']) {
  const seen: RuntimeEvent['type'][] = [];
  for (const type of [
    'session.created',
    'session.expired',
    'session.recovered',
    'session.deleted',
  ] as const) {
    runtime.on(type, (event) => seen.push(event.type));
  }
  return seen;
}

describe('getOrCreateSession', () => {
  it('should create a session and return its view', async () => {
    const { runtime, clock } = createTestRuntime();
    const events = recordEvents(runtime);
    const view = await runtime.getOrCreateSession(key);
    expect(view).toEqual({
      userId: '42',
      conversationId: 'chat-7',
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'active',
      workflow: null,
      models: [],
      dataset: null,
      createdAt: clock.now(),
      lastActivity: clock.now(),
      revision: expect.any(Number),
    });
    expect(Number.isSafeInteger(view.revision) && view.revision > 0).toBe(true);
    expect(events).toEqual(['session.created']);
  });

  it('should create a new session in one store call when the store has createOrGet', async () => {
    const counting = createCountingStore();
    const { runtime } = createTestRuntime({ store: counting.store });
    const view = await runtime.getOrCreateSession(key);
    expect(counting.counts).toEqual({ get: 0, compareAndSet: 0, createOrGet: 1 });
    const stored = await counting.store.get(storageKey);
    expect(stored?.revision).toBe(view.revision);
    expect(JSON.parse(stored?.value ?? '{}')).toMatchObject({ sessionId: view.sessionId });
    expect(await counting.store.members(userIndexKey('42'))).toEqual([storageKey]);
  });

  it('should read, then write, a new session on a store without createOrGet', async () => {
    const counting = createCountingStore(undefined, { withoutCreateOrGet: true });
    const { runtime } = createTestRuntime({ store: counting.store });
    const view = await runtime.getOrCreateSession(key);
    expect(counting.counts).toEqual({ get: 1, compareAndSet: 1, createOrGet: 0 });
    expect((await counting.store.get(storageKey))?.revision).toBe(view.revision);
  });

  it('should take up a session another runtime stored, through createOrGet, without writing over it', async () => {
    const store = createMemoryStore();
    const clock = createClock();
    const first = createTestRuntime({ store, clock }).runtime;
    const second = createTestRuntime({ store, clock }).runtime;
    await first.getOrCreateSession(key);
    expect((await first.startWorkflow(key, 'counter')).ok).toBe(true);
    const before = await store.get(storageKey);
    const events = recordEvents(second);
    const view = await second.getOrCreateSession(key);
    expect(view.sessionId).toBe((await first.getSession(key))?.sessionId);
    expect(view.workflow?.type).toBe('counter');
    expect(events).toEqual([]);
    expect(await store.get(storageKey)).toEqual(before);
  });

  it('should end with one session when two runtimes create it at once', async () => {
    const store = createMemoryStore();
    const clock = createClock();
    const first = createTestRuntime({ store, clock }).runtime;
    const second = createTestRuntime({ store, clock }).runtime;
    const [a, b] = await Promise.all([
      first.getOrCreateSession(key),
      second.getOrCreateSession(key),
    ]);
    expect(a.sessionId).toBe(b.sessionId);
    expect(JSON.parse((await store.get(storageKey))?.value ?? '{}')).toMatchObject({
      sessionId: a.sessionId,
    });
  });

  it('should return the same session, as activity, on the next call', async () => {
    const { runtime, clock } = createTestRuntime();
    const first = await runtime.getOrCreateSession(key);
    clock.advanceMinutes(3);
    const second = await runtime.getOrCreateSession({ userId: '42', conversationId: 'chat-7' });
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.lastActivity).toBe(clock.now());
    expect(second.revision).toBe(first.revision + 1);
    expect(second.recovered).toBeUndefined();
    expect(second.reset).toBeUndefined();
  });

  it('should keep activity in memory while the stored one is recent, and write it with the next step', async () => {
    const { runtime, clock, store } = createTestRuntime();
    const first = await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    const started = await runtime.getSession(key);
    clock.advance(20_000);
    const again = await runtime.getOrCreateSession(key);
    expect(again.lastActivity).toBe(clock.now());
    // Nothing was written: same revision, and the stored activity is the step's.
    expect(again.revision).toBe(started?.revision);
    const sessions = createKeyvSessionStore(store as Keyv);
    const storedActivity = async () =>
      (JSON.parse((await sessions.get(storageKey))!.value) as { lastActivity: number })
        .lastActivity;
    expect(await storedActivity()).toBe(first.createdAt);
    clock.advance(20_000);
    await runtime.send(key, { type: 'add', amount: 1 });
    expect(await storedActivity()).toBe(clock.now());
    // Once the stored activity is a minute old (a tenth of the 30-minute timeout, at
    // most a minute), a call that is only activity writes it.
    clock.advance(61_000);
    const later = await runtime.getOrCreateSession(key);
    expect(await storedActivity()).toBe(clock.now());
    expect(later.revision).toBe((again.revision ?? 0) + 2);
  });

  it('should keep different users and conversations apart', async () => {
    const { runtime } = createTestRuntime();
    const a = await runtime.getOrCreateSession({ userId: '1', conversationId: '2:3' });
    const b = await runtime.getOrCreateSession({ userId: '1:2', conversationId: '3' });
    expect(a.sessionId).not.toBe(b.sessionId);
  });

  it('should hand out copies: changing a view changes nothing', async () => {
    const { runtime } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    const view = await runtime.getOrCreateSession(key);
    (view.workflow?.context as { total: number }).total = 99;
    view.models.push({} as never);
    const again = await runtime.getSession(key);
    expect(again?.workflow?.context).toEqual({ total: 0, steps: [] });
    expect(again?.models).toEqual([]);
  });
});

describe('getSession', () => {
  it('should answer undefined for a missing session and write nothing', async () => {
    const { runtime, store } = createTestRuntime();
    expect(await runtime.getSession(key)).toBeUndefined();
    const keyv = store as Keyv;
    expect(await keyv.get(storageKey)).toBeUndefined();
  });

  it('should not count as activity', async () => {
    const { runtime, clock } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    const created = await runtime.getSession(key);
    clock.advanceMinutes(10);
    const view = await runtime.getSession(key);
    expect(view?.lastActivity).toBe(clock.now() - 10 * 60_000);
    expect(view?.revision).toBe(created?.revision);
  });
});

describe('deleteSession', () => {
  it('should delete the session and its data', async () => {
    const { runtime, store } = createTestRuntime();
    const events = recordEvents(runtime);
    await runtime.getOrCreateSession(key);
    await runtime.storeData(key, sampleTable());
    await runtime.deleteSession(key);
    expect(await runtime.getSession(key)).toBeUndefined();
    expect(events).toEqual(['session.created', 'session.deleted']);
    const keys: string[] = [];
    for await (const k of createKeyvSessionStore(store as Keyv).keys('chatflow:')) keys.push(k);
    expect(keys).toEqual([]);
    await expect(runtime.deleteSession(key)).rejects.toBeInstanceOf(SessionNotFoundError);
  });
});

describe('expiry', () => {
  it('should expire an idle session exactly at the timeout', async () => {
    const { runtime, clock } = createTestRuntime({ config: { sessionTimeoutMinutes: 10 } });
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    clock.advanceMinutes(10);
    const error = await runtime.send(key, { type: 'add', amount: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).code).toBe('SESSION_EXPIRED');
    expect((await runtime.getSession(key))?.status).toBe('expired');
    for (const call of [
      () => runtime.getHistory(key),
      () => runtime.addToHistory(key, { role: 'user', text: 'hi' }),
      () => runtime.startWorkflow(key, 'counter'),
      () => runtime.cancelWorkflow(key),
      () => runtime.getData(key),
      () => runtime.clearData(key),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(SessionExpiredError);
    }
  });

  it('should keep a session active one millisecond before the timeout', async () => {
    const { runtime, clock } = createTestRuntime({ config: { sessionTimeoutMinutes: 10 } });
    await runtime.getOrCreateSession(key);
    clock.advanceMinutes(10 - 1 / 60_000);
    expect((await runtime.getSession(key))?.status).toBe('active');
    await expect(runtime.getHistory(key)).resolves.toEqual([]);
  });

  it('should recover a session within the grace period exactly as it was, once', async () => {
    const { runtime, clock } = createTestRuntime();
    const events = recordEvents(runtime);
    const created = await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    await runtime.send(key, { type: 'add', amount: 4 });
    clock.advanceMinutes(34);
    const recovered = await runtime.getOrCreateSession(key);
    expect(recovered).toMatchObject({
      sessionId: created.sessionId,
      status: 'active',
      recovered: true,
      workflow: { type: 'counter', state: 'counting', context: { total: 4, steps: [4] } },
    });
    expect(recovered.reset).toBeUndefined();
    expect(events).toEqual(['session.created', 'session.expired', 'session.recovered']);
    expect((await runtime.getOrCreateSession(key)).recovered).toBeUndefined();
    expect(await runtime.send(key, { type: 'add', amount: 1 })).toMatchObject({
      ok: true,
      context: { total: 5 },
    });
  });

  it('should replace a session whose grace period is over, saying reset: expired', async () => {
    const { runtime, clock, store } = createTestRuntime();
    const events = recordEvents(runtime);
    const created = await runtime.getOrCreateSession(key);
    await runtime.storeData(key, sampleTable());
    await runtime.startWorkflow(key, 'counter');
    clock.advanceMinutes(35);
    const fresh = await runtime.getOrCreateSession(key);
    expect(fresh).toMatchObject({
      status: 'active',
      workflow: null,
      dataset: null,
      reset: 'expired',
    });
    expect(fresh.sessionId).not.toBe(created.sessionId);
    expect(fresh.recovered).toBeUndefined();
    expect(events).toEqual([
      'session.created',
      'session.expired',
      'session.deleted',
      'session.created',
    ]);
    const keys: string[] = [];
    for await (const k of createKeyvSessionStore(store as Keyv).keys('chatflow:')) keys.push(k);
    expect(keys.filter((k) => k.includes(':d:'))).toEqual([]);
  });

  it('should have no grace period with enableWorkflowRecovery: false', async () => {
    const { runtime, clock } = createTestRuntime({ config: { enableWorkflowRecovery: false } });
    await runtime.getOrCreateSession(key);
    clock.advanceMinutes(30);
    expect(await runtime.getSession(key)).toBeUndefined();
    expect((await runtime.getOrCreateSession(key)).reset).toBe('expired');
  });

  it('should let training go on through expiry and deliver its result once the session is recovered', async () => {
    const gate = createGate();
    const { runtime, clock, trainer } = createTestRuntime({ trainerGate: gate.wait });
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'fit');
    const dataset = await runtime.storeData(key, sampleTable());
    await runtime.send(key, { type: 'data.uploaded', dataset });
    await runtime.send(key, { type: 'target.selected', column: 'y' });
    await runtime.send(key, { type: 'features.selected', columns: ['x', 'z'] });
    expect(trainer.runs).toBe(1);
    clock.advanceMinutes(31);
    expect(await runtime.cleanupExpired()).toMatchObject({ expired: 1, deleted: 0 });
    expect((await runtime.getSession(key))?.workflow?.state).toBe('training');
    const completed = nextEvent(runtime, 'workflow.completed');
    const recovered = await runtime.getOrCreateSession(key);
    expect(recovered).toMatchObject({ recovered: true, workflow: { state: 'training' } });
    gate.open();
    await completed;
    expect(trainer.runs).toBe(1);
    expect((await runtime.getSession(key))?.models).toHaveLength(1);
  });
});

describe('unreadable records', () => {
  // Each record is damaged behind the runtime that wrote it, then read by a runtime
  // that does not hold it live (as after a restart): a live session is trusted until
  // its next write, which the damage makes fail.
  it('should quarantine a corrupted record and start fresh, logging no content', async () => {
    const { runtime: writer, store } = createTestRuntime();
    await writer.getOrCreateSession(key);
    const { runtime, logLines } = createTestRuntime({ store });
    const keyv = store as Keyv;
    const secret = 'SECRET-CONTENT';
    await keyv.set(storageKey, JSON.stringify({ revision: 7, value: `{"broken": "${secret}"` }));
    expect(await runtime.getSession(key)).toBeUndefined();
    await expect(runtime.send(key, { type: 'add', amount: 1 })).rejects.toBeInstanceOf(
      SessionNotFoundError,
    );
    const fresh = await runtime.getOrCreateSession(key);
    expect(fresh).toMatchObject({ reset: 'unreadable', revision: 8, workflow: null });
    const sessions = createKeyvSessionStore(keyv);
    const members = await sessions.members(userIndexKey('42'));
    const quarantined = members.filter((member) => member.includes(':q:'));
    expect(quarantined).toHaveLength(1);
    expect(
      quarantined[0]!.startsWith(
        quarantineStorageKey({ userId: '42', conversationId: 'chat-7' }, ''),
      ),
    ).toBe(true);
    expect((await sessions.get(quarantined[0]!))?.value).toContain(secret);
    expect(logLines.some((line) => String(line.msg).includes('quarantined'))).toBe(true);
    expect(JSON.stringify(logLines)).not.toContain(secret);
    expect((await runtime.getOrCreateSession(key)).reset).toBeUndefined();
  });

  it('should treat a record that fails the schema as unreadable', async () => {
    const { runtime: writer, store } = createTestRuntime();
    const view = await writer.getOrCreateSession(key);
    const { runtime } = createTestRuntime({ store });
    const sessions = createKeyvSessionStore(store as Keyv);
    const stored = await sessions.get(storageKey);
    const record = JSON.parse(stored!.value) as Record<string, unknown>;
    await sessions.compareAndSet(storageKey, stored!.revision, {
      value: JSON.stringify({ ...record, lastActivity: 'yesterday' }),
      revision: stored!.revision + 1,
    });
    const fresh = await runtime.getOrCreateSession(key);
    expect(fresh.reset).toBe('unreadable');
    expect(fresh.sessionId).not.toBe(view.sessionId);
  });

  it('should treat a record whose value is not text as unreadable', async () => {
    const sessions = createMemoryStore();
    const view = await createTestRuntime({ store: sessions }).runtime.getOrCreateSession(key);
    const { runtime } = createTestRuntime({ store: sessions });
    const stored = await sessions.get(storageKey);
    // A damaged backend can return bytes where the record's text was.
    const bytes = new TextEncoder().encode(stored!.value) as unknown as string;
    await sessions.compareAndSet(storageKey, stored!.revision, {
      value: bytes,
      revision: stored!.revision + 1,
    });
    const fresh = await runtime.getOrCreateSession(key);
    expect(fresh.reset).toBe('unreadable');
    expect(fresh.sessionId).not.toBe(view.sessionId);
  });
});

describe('workflow versions', () => {
  async function sessionAtVersion1() {
    const store = new Keyv();
    const clock = createClock();
    const first = createTestRuntime({ store, clock });
    await first.runtime.getOrCreateSession(key);
    await first.runtime.startWorkflow(key, 'counter');
    await first.runtime.send(key, { type: 'add', amount: 3 });
    await first.runtime.shutdown();
    return { store, clock };
  }

  const version2 = { ...fixtureWorkflows, counter: { ...counterWorkflow, version: 2 } };

  it('should reset a workflow whose version changed when no migration is registered', async () => {
    const { store, clock } = await sessionAtVersion1();
    const { runtime } = createTestRuntime({ store, clock, workflows: version2 });
    expect((await runtime.getSession(key))?.workflow).toBeNull();
    const view = await runtime.getOrCreateSession(key);
    expect(view).toMatchObject({ reset: 'workflow_changed', workflow: null });
    expect((await runtime.getOrCreateSession(key)).reset).toBeUndefined();
    expect(await runtime.send(key, { type: 'add', amount: 1 })).toMatchObject({
      code: 'NO_ACTIVE_WORKFLOW',
    });
  });

  it('should migrate a workflow when a migration for its version is registered', async () => {
    const { store, clock } = await sessionAtVersion1();
    const { runtime } = createTestRuntime({
      store,
      clock,
      workflows: version2,
      migrations: {
        counter: {
          1: (snapshot) => ({
            ...snapshot,
            context: { ...(snapshot.context as object), total: 30 },
          }),
        },
      },
    });
    const view = await runtime.getOrCreateSession(key);
    expect(view.reset).toBeUndefined();
    expect(view.workflow).toMatchObject({ state: 'counting', context: { total: 30, steps: [3] } });
    expect(await runtime.send(key, { type: 'add', amount: 1 })).toMatchObject({
      ok: true,
      context: { total: 31 },
    });
    const raw = await createKeyvSessionStore(store).get(storageKey);
    expect(JSON.parse(raw!.value).workflow.version).toBe(2);
  });

  it('should reset a workflow whose state the machine no longer has', async () => {
    const { store, clock } = await sessionAtVersion1();
    const sessions = createKeyvSessionStore(store);
    const stored = await sessions.get(storageKey);
    const record = JSON.parse(stored!.value);
    record.workflow.snapshot.value = 'summing';
    await sessions.compareAndSet(storageKey, stored!.revision, {
      value: JSON.stringify(record),
      revision: stored!.revision + 1,
    });
    const { runtime } = createTestRuntime({ store, clock });
    expect((await runtime.getOrCreateSession(key)).reset).toBe('workflow_changed');
  });
});
