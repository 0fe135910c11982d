import { tableToIPC } from 'apache-arrow';
import { Keyv } from 'keyv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { createRuntime } from '../src/createRuntime.ts';
import {
  ChatflowError,
  ConfigError,
  SessionExpiredError,
  StoreUnavailableError,
} from '../src/errors.ts';
import { sessionStorageKey } from '../src/keys.ts';
import { createKeyvSessionStore } from '../src/keyvSessionStore.ts';
import { maxAttempts } from '../src/sessionAccess.ts';
import type { Runtime, RuntimeConfigInput, RuntimeEvent } from '../src/types.ts';
import { createCountingStore } from './support/countingStore.ts';
import { fixtureWorkflows } from './support/fixtureWorkflows.ts';
import { createFlakyKeyv } from './support/flakyKeyv.ts';
import {
  createClock,
  createGate,
  createTestRuntime,
  nextEvent,
  sampleTable,
} from './support/testRuntime.ts';
import { createTimingOutStore } from './support/timingOutStore.ts';

const key = { userId: 42, conversationId: 'chat-7' };

afterEach(() => {
  vi.useRealTimers();
});

/** Two runtimes on one Keyv store and one clock, as two processes sharing a store. */
function twoRuntimes(config: RuntimeConfigInput = {}) {
  const store = new Keyv();
  const clock = createClock();
  const a = createTestRuntime({ store, clock, config }).runtime;
  const b = createTestRuntime({ store, clock, config }).runtime;
  return { store, clock, a, b };
}

describe('createRuntime', () => {
  it('should validate its config', () => {
    expect(() =>
      createRuntime({ workflows: fixtureWorkflows, config: { sessionTimeoutMinutes: -1 } }),
    ).toThrow(ConfigError);
  });

  it('should work with its defaults: in-memory store, Date.now, a logger of its own', async () => {
    const runtime = createRuntime({ workflows: fixtureWorkflows });
    await runtime.getOrCreateSession(key);
    expect(await runtime.startWorkflow(key, 'counter')).toMatchObject({ ok: true });
    expect((await runtime.health()).store).toEqual({
      backend: 'memory',
      address: 'in-process',
      atomic: false,
    });
    await runtime.shutdown();
  });
});

describe('durability', () => {
  it('should change nothing when the store fails a write, and work again once it is back', async () => {
    const flaky = createFlakyKeyv();
    const { runtime } = createTestRuntime({ store: flaky.keyv });
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    await runtime.send(key, { type: 'add', amount: 1 });
    expect((await runtime.health()).status).toBe('healthy');
    const revision = (await runtime.getSession(key))?.revision;

    flaky.failWrites = true;
    const error = await runtime.send(key, { type: 'add', amount: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toBeInstanceOf(ChatflowError);
    expect((error as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
    await expect(runtime.addToHistory(key, { role: 'user', text: 'x' })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(runtime.startWorkflow(key, 'fit')).rejects.toBeInstanceOf(StoreUnavailableError);
    const view = await runtime.getSession(key);
    expect(view?.workflow?.context).toEqual({ total: 1, steps: [1] });
    expect(view?.revision).toBe(revision);
    expect(await runtime.getHistory(key)).toEqual([]);

    flaky.failWrites = false;
    // The live state did not take the failed step either: 1 + 3, not 1 + 2 + 3.
    expect(await runtime.send(key, { type: 'add', amount: 3 })).toMatchObject({
      ok: true,
      context: { total: 4, steps: [1, 3] },
    });
    expect((await runtime.health()).status).toBe('healthy');
  });

  it('should read a session again after a write whose answer was lost (it may have been applied)', async () => {
    const { store, control } = createTimingOutStore();
    const { runtime } = createTestRuntime({ store });
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'fit');
    const dataset = await runtime.storeData(key, sampleTable());
    control.applyThenFail = true;
    await expect(runtime.send(key, { type: 'data.uploaded', dataset })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    // The runtime cannot know whether the write went through: it reads the session again.
    expect((await runtime.getSession(key))?.workflow?.state).toBe('selecting_target');
    // The store took the upload: the next step is judged on what it holds, not on the
    // live state from before the lost answer.
    expect(await runtime.send(key, { type: 'target.selected', column: 'y' })).toMatchObject({
      ok: true,
      state: 'selecting_features',
    });
  });

  it('should report a failing read as StoreUnavailableError, never as a missing session', async () => {
    const flaky = createFlakyKeyv();
    const created = await createTestRuntime({ store: flaky.keyv }).runtime.getOrCreateSession(key);
    // A runtime that does not hold the session live (after a restart) must read it.
    const { runtime } = createTestRuntime({ store: flaky.keyv });
    flaky.failReads = true;
    await expect(runtime.getSession(key)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(runtime.getOrCreateSession(key)).rejects.toBeInstanceOf(StoreUnavailableError);
    const health = await runtime.health();
    expect(health.status).toBe('degraded');
    expect(health.lastStoreError?.message).toContain('connection refused');
    expect(health.lastStoreError?.message).not.toContain('secret');
    flaky.failReads = false;
    expect((await runtime.getOrCreateSession(key)).sessionId).toBe(created.sessionId);
  });

  it('should keep the store as the truth when a step taken without a message cannot be written', async () => {
    const flaky = createFlakyKeyv();
    const gate = createGate();
    const { runtime, trainer } = createTestRuntime({ store: flaky.keyv, trainerGate: gate.wait });
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'fit');
    const dataset = await runtime.storeData(key, sampleTable());
    await runtime.send(key, { type: 'data.uploaded', dataset });
    await runtime.send(key, { type: 'target.selected', column: 'y' });
    await runtime.send(key, { type: 'features.selected', columns: ['x', 'z'] });
    flaky.failWrites = true;
    gate.open();
    // The trainer finishes; its step cannot be written.
    await vi.waitFor(async () => {
      expect((await runtime.health()).status).toBe('degraded');
    });
    expect((await runtime.getSession(key))?.workflow?.state).toBe('training');
    flaky.failWrites = false;
    const completed = nextEvent(runtime, 'workflow.completed');
    // The next access writes the outcome the runtime kept: the trainer does not run again.
    await runtime.getOrCreateSession(key);
    await completed;
    expect(trainer.runs).toBe(1);
    expect((await runtime.getSession(key))?.models).toHaveLength(1);
  });

  it('should give up with a CONFLICT error after repeated lost compare-and-sets', async () => {
    const counting = createCountingStore();
    const { runtime } = createTestRuntime({ store: counting.store });
    await runtime.getOrCreateSession(key);
    counting.control.loseEveryWrite = true;
    const before = counting.counts.compareAndSet;
    const error = await runtime.addToHistory(key, { role: 'user', text: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(ChatflowError);
    expect((error as ChatflowError).code).toBe('CONFLICT');
    expect(counting.counts.compareAndSet - before).toBe(maxAttempts);
  });
});

describe('restart', () => {
  it('should resume every session mid-workflow in a new runtime on the same store', async () => {
    const store = new Keyv();
    const clock = createClock();
    const neverOpened = createGate();
    const first = createTestRuntime({ store, clock, trainerGate: neverOpened.wait });
    const users = ['a', 'b', 'c'].map((name) => ({ userId: name, conversationId: 'chat' }));
    for (const user of users) {
      await first.runtime.getOrCreateSession(user);
      await first.runtime.startWorkflow(user, 'fit');
      const dataset = await first.runtime.storeData(user, sampleTable());
      await first.runtime.send(user, { type: 'data.uploaded', dataset });
    }
    await first.runtime.send(users[1]!, { type: 'target.selected', column: 'y' });
    await first.runtime.send(users[2]!, { type: 'target.selected', column: 'y' });
    await first.runtime.send(users[2]!, { type: 'features.selected', columns: ['x', 'z'] });
    expect(first.trainer.runs).toBe(1);
    await first.runtime.shutdown();

    const held = createGate();
    const second = createTestRuntime({ store, clock, trainerGate: held.wait });
    const reloaded = await second.runtime.getOrCreateSession(users[0]!);
    expect(reloaded.workflow?.state).toBe('selecting_target');
    expect(
      await second.runtime.send(users[0]!, { type: 'target.selected', column: 'y' }),
    ).toMatchObject({ ok: true, state: 'selecting_features' });

    expect(
      await second.runtime.send(users[1]!, { type: 'features.selected', columns: ['x'] }),
    ).toMatchObject({ ok: true, state: 'training' });
    const completed = nextEvent(second.runtime, 'workflow.completed');
    const resumed = await second.runtime.getOrCreateSession(users[2]!);
    expect(resumed.workflow?.state).toBe('training');
    // Rehydrating wrote nothing of its own: the restored actor matched the record.
    expect((await second.runtime.getSession(users[2]!))?.revision).toBe(resumed.revision);
    held.open();

    await completed;
    await vi.waitFor(async () => {
      expect((await second.runtime.getSession(users[1]!))?.models).toHaveLength(1);
      expect((await second.runtime.getSession(users[2]!))?.models).toHaveLength(1);
    });
    expect(second.trainer.runs).toBe(2);
    await second.runtime.shutdown();
  });
});

describe('two runtimes sharing one store', () => {
  async function interleavedSends(trustLiveSessions: boolean) {
    const { store, clock, a, b } = twoRuntimes({ trustLiveSessions });
    await a.getOrCreateSession(key);
    await a.startWorkflow(key, 'counter');
    const started = (await a.getSession(key))?.revision ?? 0;
    await b.send(key, { type: 'add', amount: 1 });
    const amounts = Array.from({ length: 40 }, (_, i) => i + 2);
    const results = await Promise.all(
      amounts.map((amount, i) => (i % 2 === 0 ? a : b).send(key, { type: 'add', amount })),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    return { store, clock, a, b, amounts, started };
  }

  function expectEveryStepOnce(
    view: Awaited<ReturnType<Runtime['getSession']>>,
    amounts: number[],
    started: number,
  ) {
    const context = view?.workflow?.context as { total: number; steps: number[] };
    expect([...context.steps].sort((x, y) => x - y)).toEqual([1, ...amounts]);
    expect(context.total).toBe(1 + amounts.reduce((sum, n) => sum + n, 0));
    expect(view?.revision).toBe(started + 1 + amounts.length);
    // Each runtime's own sends stay in its arrival order.
    const fromA = context.steps.filter((n) => amounts.indexOf(n) % 2 === 0);
    expect(fromA).toEqual(amounts.filter((_, i) => i % 2 === 0));
  }

  it('should never lose or double-apply a step of interleaved sends, each view current (trustLiveSessions: false)', async () => {
    const { a, b, amounts, started } = await interleavedSends(false);
    for (const runtime of [a, b])
      expectEveryStepOnce(await runtime.getSession(key), amounts, started);
  });

  it('should never lose or double-apply a step of interleaved sends while trusting live sessions', async () => {
    const { store, clock, amounts, started } = await interleavedSends(true);
    // The store holds every step once; a runtime that reads it sees them all.
    const reader = createTestRuntime({ store, clock }).runtime;
    expectEveryStepOnce(await reader.getSession(key), amounts, started);
  });

  it('should see a session deleted and recreated by the other runtime (trustLiveSessions: false)', async () => {
    const { a, b } = twoRuntimes({ trustLiveSessions: false });
    await a.getOrCreateSession(key);
    await b.deleteSession(key);
    const recreated = await b.getOrCreateSession(key);
    expect((await a.getSession(key))?.sessionId).toBe(recreated.sessionId);
  });

  it('should never refuse a step on a state another runtime moved on from', async () => {
    const { a, b } = twoRuntimes();
    await a.getOrCreateSession(key);
    await a.startWorkflow(key, 'fit');
    const dataset = await b.storeData(key, sampleTable());
    await b.send(key, { type: 'data.uploaded', dataset });
    // A still holds the session at awaiting_data; the step fits what the store holds.
    expect(await a.send(key, { type: 'target.selected', column: 'y' })).toMatchObject({
      ok: true,
      state: 'selecting_features',
    });
    // A refusal that is right stays a refusal (one read confirms the state).
    expect(await a.send(key, { type: 'target.selected', column: 'y' })).toMatchObject({
      ok: false,
      code: 'INVALID_EVENT',
    });
  });

  it('should cancel a workflow another runtime started after this one last saw the session', async () => {
    const { a, b } = twoRuntimes();
    await a.getOrCreateSession(key);
    await b.startWorkflow(key, 'counter');
    expect(await a.cancelWorkflow(key)).toEqual({ cancelled: true, workflow: 'counter' });
  });

  it('should never write over a session another runtime deleted and created again', async () => {
    const { store, clock, a, b } = twoRuntimes();
    const first = await a.getOrCreateSession(key);
    await b.deleteSession(key);
    const recreated = await b.getOrCreateSession(key);
    expect(recreated.sessionId).not.toBe(first.sessionId);
    // A still holds the old session live; its write is a compare-and-set on the old
    // session's revision, which the new session (starting at a random revision) does
    // not have, so A reads the new session and takes the step there.
    expect(await a.startWorkflow(key, 'counter')).toMatchObject({ ok: true });
    const stored = await createTestRuntime({ store, clock }).runtime.getSession(key);
    expect(stored).toMatchObject({ sessionId: recreated.sessionId, workflow: { type: 'counter' } });
    expect((await a.getSession(key))?.sessionId).toBe(recreated.sessionId);
  });
});

describe('many sessions', () => {
  it('should run 1,000 sessions of concurrent workflows with no cross-talk', async () => {
    const { runtime } = createTestRuntime({ store: new Keyv() });
    const users = Array.from({ length: 1000 }, (_, i) => ({
      userId: i,
      conversationId: `c${i % 7}`,
    }));
    const outputs = await Promise.all(
      users.map(async (user, i) => {
        await runtime.getOrCreateSession(user);
        await runtime.startWorkflow(user, 'counter');
        await runtime.send(user, { type: 'add', amount: i + 1 });
        await runtime.send(user, { type: 'add', amount: 2 * (i + 1) });
        const completed = await runtime.send(user, { type: 'finish' });
        return completed;
      }),
    );
    outputs.forEach((output, i) => {
      expect(output).toMatchObject({
        ok: true,
        done: true,
        context: { total: 3 * (i + 1), steps: [i + 1, 2 * (i + 1)] },
      });
    });
    const views = await Promise.all(users.map((user) => runtime.getSession(user)));
    views.forEach((view, i) => {
      expect(view?.workflow?.context).toEqual({ total: 3 * (i + 1), steps: [i + 1, 2 * (i + 1)] });
    });
    expect(runtime.stats().activeSessions).toBe(1000);
  }, 60_000);
});

describe('the live registry', () => {
  it('should evict the least recently used session and rehydrate it from the store', async () => {
    const { runtime } = createTestRuntime({ config: { maxConcurrentSessions: 2 } });
    const users = ['a', 'b', 'c'].map((userId) => ({ userId, conversationId: 'x' }));
    for (const [i, user] of users.entries()) {
      await runtime.getOrCreateSession(user);
      await runtime.startWorkflow(user, 'counter');
      await runtime.send(user, { type: 'add', amount: i + 1 });
    }
    expect(runtime.stats().activeSessions).toBe(2);
    expect(await runtime.send(users[0]!, { type: 'add', amount: 10 })).toMatchObject({
      ok: true,
      context: { total: 11, steps: [1, 10] },
    });
    expect(runtime.stats().activeSessions).toBe(2);
    expect(await runtime.send(users[1]!, { type: 'add', amount: 10 })).toMatchObject({
      context: { total: 12 },
    });
  });

  it('should not evict a session whose invoked work runs while another can go', async () => {
    const gate = createGate();
    const { runtime, trainer } = createTestRuntime({
      config: { maxConcurrentSessions: 2 },
      trainerGate: gate.wait,
    });
    const trainee = { userId: 't', conversationId: 'x' };
    await runtime.getOrCreateSession(trainee);
    await runtime.startWorkflow(trainee, 'fit');
    const dataset = await runtime.storeData(trainee, sampleTable());
    await runtime.send(trainee, { type: 'data.uploaded', dataset });
    await runtime.send(trainee, { type: 'target.selected', column: 'y' });
    await runtime.send(trainee, { type: 'features.selected', columns: ['x', 'z'] });
    for (const userId of ['p', 'q', 'r']) {
      await runtime.getOrCreateSession({ userId, conversationId: 'x' });
    }
    const completed = nextEvent(runtime, 'workflow.completed');
    gate.open();
    await completed;
    expect(trainer.runs).toBe(1);
    expect((await runtime.getSession(trainee))?.models).toHaveLength(1);
  });

  it('should name each actor after its session for inspectors', async () => {
    const ids = new Set<string>();
    const { runtime } = createTestRuntime({
      inspect: (event) => {
        const id = (event.actorRef as AnyActorRef).id;
        if (event.type === '@xstate.actor' && id.startsWith('chatflow:')) ids.add(id);
      },
    });
    const user = { userId: 'user-with-a-long-id', conversationId: 'conversation-1' };
    const { sessionId } = await runtime.getOrCreateSession(user);
    await runtime.startWorkflow(user, 'counter');
    expect([...ids]).toEqual([`chatflow:user-wit…:conversa…:counter:${sessionId.slice(0, 8)}`]);
  });

  it('should give distinct actor ids to chats whose ids share their first 8 characters', async () => {
    const ids: string[] = [];
    const { runtime } = createTestRuntime({
      inspect: (event) => {
        const id = (event.actorRef as AnyActorRef).id;
        if (event.type === '@xstate.actor' && id.startsWith('chatflow:')) ids.push(id);
      },
    });
    const groups = ['-1001234567890', '-1001234567891', '-1001234599999'];
    for (const conversationId of groups) {
      const chat = { userId: 100123456, conversationId };
      await runtime.getOrCreateSession(chat);
      await runtime.startWorkflow(chat, 'counter');
    }
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^chatflow:10012345…:-1001234…:counter:[0-9a-f]{8}$/);
  });
});

describe('events', () => {
  it('should give listeners copies: a listener changing an event changes nothing in the runtime', async () => {
    const { runtime } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    const stop = runtime.on('workflow.transition', (event) => {
      (event.context as { total: number; steps: number[] }).total = 999;
      (event.context as { total: number; steps: number[] }).steps.push(999);
    });
    expect(await runtime.send(key, { type: 'add', amount: 2 })).toMatchObject({
      context: { total: 2, steps: [2] },
    });
    stop();
    expect(await runtime.send(key, { type: 'add', amount: 3 })).toMatchObject({
      context: { total: 5, steps: [2, 3] },
    });
    expect((await runtime.getSession(key))?.workflow?.context).toEqual({ total: 5, steps: [2, 3] });
  });

  it('should announce session and workflow events and audit each without content', async () => {
    const { runtime, logLines } = createTestRuntime();
    const seen: RuntimeEvent[] = [];
    for (const type of [
      'session.created',
      'workflow.started',
      'workflow.transition',
      'workflow.completed',
    ] as const) {
      runtime.on(type, (event) => seen.push(event));
    }
    const user = { userId: 'alice-0123456789', conversationId: 'conversation-0123456789' };
    await runtime.getOrCreateSession(user);
    await runtime.addToHistory(user, { role: 'user', text: 'PRIVATE MESSAGE' });
    await runtime.startWorkflow(user, 'counter');
    await runtime.send(user, { type: 'add', amount: 7 });
    await runtime.send(user, { type: 'finish' });
    expect(seen.map((event) => event.type)).toEqual([
      'session.created',
      'workflow.started',
      'workflow.transition',
      'workflow.transition',
      'workflow.completed',
    ]);
    expect(seen[0]).toMatchObject({
      key: { userId: 'alice-0123456789', conversationId: 'conversation-0123456789' },
      sessionId: expect.any(String),
      at: expect.any(Number),
    });
    expect(seen[2]).toMatchObject({ from: 'counting', state: 'counting', source: 'user' });
    const audit = logLines.filter((line) => line.msg === 'chatflow audit');
    expect(audit).toHaveLength(5);
    expect(audit[0]).toMatchObject({ user: 'alice-01…', conversation: 'conversa…' });
    const text = JSON.stringify(logLines);
    expect(text).not.toContain('alice-0123456789');
    expect(text).not.toContain('PRIVATE MESSAGE');
    expect(text).not.toContain('Send numbers to add.');
    expect(text).not.toContain('"total"');
  });

  it('should survive a throwing listener and stop calling an unsubscribed one', async () => {
    const { runtime, logLines } = createTestRuntime();
    const calls: string[] = [];
    runtime.on('session.created', () => {
      throw new Error('listener bug');
    });
    const off = runtime.on('session.created', (event) => calls.push(event.key.conversationId));
    await runtime.getOrCreateSession({ userId: 1, conversationId: 'one' });
    off();
    await runtime.getOrCreateSession({ userId: 1, conversationId: 'two' });
    expect(calls).toEqual(['one']);
    expect(logLines.some((line) => line.msg === 'chatflow event listener threw')).toBe(true);
  });
});

describe('cleanupExpired', () => {
  it('should evict expired sessions, keep them recoverable, and delete them after grace', async () => {
    const { runtime, clock, store } = createTestRuntime();
    const users = ['a', 'b', 'c'].map((userId) => ({ userId, conversationId: 'x' }));
    for (const user of users) await runtime.getOrCreateSession(user);
    await runtime.storeData(users[1]!, sampleTable());
    clock.advanceMinutes(31);
    await runtime.getOrCreateSession(users[0]!);
    const events: string[] = [];
    runtime.on('session.expired', (event) => events.push(`expired ${event.key.userId}`));
    runtime.on('session.deleted', (event) => events.push(`deleted ${event.key.userId}`));
    expect(await runtime.cleanupExpired()).toEqual({ scanned: 3, expired: 2, deleted: 0 });
    const sessions = createKeyvSessionStore(store as Keyv);
    // Nothing is written: expiry is judged from the last activity wherever it is read.
    const reader = createTestRuntime({ store, clock }).runtime;
    expect(await reader.getSession(users[1]!)).toMatchObject({ status: 'expired' });
    expect(runtime.stats()).toMatchObject({
      activeSessions: 1,
      expiredInGrace: 2,
      cleanupCycles: 1,
    });
    expect(await runtime.cleanupExpired()).toEqual({ scanned: 1, expired: 0, deleted: 0 });
    clock.advanceMinutes(5);
    expect(await runtime.cleanupExpired()).toEqual({ scanned: 1, expired: 0, deleted: 2 });
    expect(events.slice(0, 2).sort()).toEqual(['expired b', 'expired c']);
    expect(events.slice(2).sort()).toEqual(['deleted b', 'deleted c']);
    expect(
      await sessions.get(sessionStorageKey({ userId: 'b', conversationId: 'x' })),
    ).toBeUndefined();
    expect(runtime.stats().expiredInGrace).toBe(0);
    await expect(runtime.getHistory(users[0]!)).resolves.toEqual([]);
  });

  it('should walk sessions by last activity and stop at the first active one', async () => {
    const { runtime, clock, store } = createTestRuntime({ config: { gracePeriodMinutes: 60 } });
    const [a, b, c] = ['a', 'b', 'c'].map((userId) => ({ userId, conversationId: 'x' }));
    await runtime.getOrCreateSession(a!);
    await runtime.getOrCreateSession(b!);
    clock.advanceMinutes(10);
    await runtime.getOrCreateSession(c!);
    clock.advanceMinutes(10);
    await runtime.getOrCreateSession(a!);
    clock.advanceMinutes(11);
    // b (idle 31 minutes) is expired; c (21) ends the walk; a is never looked at.
    expect(await runtime.cleanupExpired()).toEqual({ scanned: 2, expired: 1, deleted: 0 });

    // A session read into memory without activity is judged in the order it was read:
    // after the sessions already live.
    const writer = createTestRuntime({ store, clock }).runtime;
    const d = { userId: 'd', conversationId: 'x' };
    await writer.getOrCreateSession(d);
    clock.advanceMinutes(31);
    await runtime.getOrCreateSession(a!);
    expect(await runtime.getSession(d)).toMatchObject({ status: 'expired' });
    // c (idle 52 minutes) is expired; a (active) ends the walk before d (idle 31).
    expect(await runtime.cleanupExpired()).toEqual({ scanned: 2, expired: 1, deleted: 0 });
    clock.advanceMinutes(31);
    // a is idle now, and d is judged after it; b's grace period (60 minutes) is over.
    expect(await runtime.cleanupExpired()).toEqual({ scanned: 2, expired: 2, deleted: 1 });
  });

  it('should delete at once with enableWorkflowRecovery: false', async () => {
    const { runtime, clock } = createTestRuntime({ config: { enableWorkflowRecovery: false } });
    await runtime.getOrCreateSession(key);
    clock.advanceMinutes(30);
    expect(await runtime.cleanupExpired()).toEqual({ scanned: 1, expired: 1, deleted: 1 });
    expect(await runtime.getSession(key)).toBeUndefined();
  });

  it.each([
    { trustLiveSessions: true, readsPerExpired: 0 },
    { trustLiveSessions: false, readsPerExpired: 1 },
  ])(
    'should read the store only for expired sessions, $readsPerExpired times each (trustLiveSessions: $trustLiveSessions)',
    async ({ trustLiveSessions, readsPerExpired }) => {
      const counting = createCountingStore();
      const { runtime, clock } = createTestRuntime({
        store: counting.store,
        config: { maxConcurrentSessions: 20_000, trustLiveSessions },
      });
      const users = Array.from({ length: 20_000 }, (_, i) => ({ userId: i, conversationId: 'c' }));
      for (let i = 0; i < users.length; i += 2000) {
        await Promise.all(users.slice(i, i + 2000).map((user) => runtime.getOrCreateSession(user)));
      }
      clock.advanceMinutes(29);
      await runtime.getOrCreateSession(users[0]!);
      clock.advanceMinutes(2);
      const reads = counting.counts.get;
      const writes = counting.counts.compareAndSet;
      expect(await runtime.cleanupExpired()).toEqual({
        scanned: 20_000,
        expired: 19_999,
        deleted: 0,
      });
      expect(counting.counts.get - reads).toBe(19_999 * readsPerExpired);
      expect(counting.counts.compareAndSet).toBe(writes);
      const before = counting.counts.get;
      expect(await runtime.cleanupExpired()).toEqual({ scanned: 1, expired: 0, deleted: 0 });
      expect(counting.counts.get).toBe(before);
    },
    60_000,
  );

  it('should leave a session that another runtime kept alive (trustLiveSessions: false)', async () => {
    const { clock, a, b } = twoRuntimes({ trustLiveSessions: false });
    await a.getOrCreateSession(key);
    clock.advanceMinutes(29);
    await b.getOrCreateSession(key);
    clock.advanceMinutes(2);
    expect(await a.cleanupExpired()).toEqual({ scanned: 1, expired: 0, deleted: 0 });
    await expect(a.getHistory(key)).resolves.toEqual([]);
  });

  it('should only evict a session another runtime kept alive while trusting live sessions', async () => {
    const { clock, a, b } = twoRuntimes();
    const created = await a.getOrCreateSession(key);
    clock.advanceMinutes(29);
    await b.getOrCreateSession(key);
    clock.advanceMinutes(2);
    // A judges from the activity it saw: it evicts the session and says so.
    expect(await a.cleanupExpired()).toEqual({ scanned: 1, expired: 1, deleted: 0 });
    // Nothing was lost: A reads the session again, active, as B left it.
    const again = await a.getOrCreateSession(key);
    expect(again).toMatchObject({ sessionId: created.sessionId, status: 'active' });
    expect(again.recovered).toBeUndefined();
    expect(again.reset).toBeUndefined();
    clock.advanceMinutes(10);
    expect(await a.cleanupExpired()).toEqual({ scanned: 1, expired: 0, deleted: 0 });
  });
});

describe('stats and health', () => {
  it('should count sessions, data, workflows and durations', async () => {
    const { runtime, clock } = createTestRuntime();
    expect(runtime.stats()).toEqual({
      activeSessions: 0,
      dataMegabytes: 0,
      workflowsInProgress: 0,
      expiredInGrace: 0,
      cleanupCycles: 0,
      averageSessionDurationMinutes: 0,
      evictions: 0,
      workflowsByState: {},
      pendingTimers: 0,
      workInFlight: 0,
    });
    await runtime.getOrCreateSession({ userId: 1, conversationId: 'a' });
    await runtime.getOrCreateSession({ userId: 2, conversationId: 'a' });
    await runtime.startWorkflow({ userId: 1, conversationId: 'a' }, 'counter');
    const table = sampleTable(50);
    await runtime.storeData({ userId: 2, conversationId: 'a' }, table);
    clock.advanceMinutes(4);
    await runtime.getOrCreateSession({ userId: 1, conversationId: 'a' });
    expect(runtime.stats()).toEqual({
      activeSessions: 2,
      dataMegabytes: tableToIPC(table, 'stream').byteLength / 2 ** 20,
      workflowsInProgress: 1,
      expiredInGrace: 0,
      cleanupCycles: 0,
      averageSessionDurationMinutes: 2,
      evictions: 0,
      workflowsByState: { counter: { counting: 1 } },
      pendingTimers: 0,
      workInFlight: 0,
    });
    const health = await runtime.health();
    expect(health).toMatchObject({ status: 'healthy', store: { backend: 'keyv', atomic: false } });
    expect(health.stats.activeSessions).toBe(2);
  });
});

describe('evictions and workflows by state', () => {
  it('should count capacity evictions, announce each, and break live workflows down by state', async () => {
    const { runtime, logLines } = createTestRuntime({ config: { maxConcurrentSessions: 2 } });
    const evicted: RuntimeEvent[] = [];
    runtime.on('session.evicted', (event) => evicted.push(event));
    const chats = [1, 2, 3].map((n) => ({ userId: n, conversationId: `chat-${n}` }));
    for (const chat of chats) {
      await runtime.getOrCreateSession(chat);
      await runtime.startWorkflow(chat, chat.userId === 2 ? 'fit' : 'counter');
    }
    expect(evicted).toEqual([
      expect.objectContaining({
        type: 'session.evicted',
        key: { userId: '1', conversationId: 'chat-1' },
        reason: 'capacity',
      }),
    ]);
    expect(runtime.stats()).toMatchObject({
      activeSessions: 2,
      evictions: 1,
      workflowsByState: { fit: { awaiting_data: 1 }, counter: { counting: 1 } },
    });
    // Deleting a session is not an eviction.
    await runtime.deleteSession(chats[2]!);
    expect(runtime.stats()).toMatchObject({
      evictions: 1,
      workflowsByState: { fit: { awaiting_data: 1 } },
    });
    expect(logLines.filter((line) => line.event === 'session.evicted')).toHaveLength(1);
  });
});

describe('start and shutdown', () => {
  it('should run the cleanup loop every cleanupIntervalMinutes until shutdown', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { runtime, clock } = createTestRuntime({ config: { cleanupIntervalMinutes: 10 } });
    await runtime.getOrCreateSession(key);
    await runtime.start();
    await runtime.start();
    clock.advanceMinutes(40);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runtime.stats().cleanupCycles).toBe(1);
    await vi.waitFor(() => {
      expect(runtime.stats().expiredInGrace).toBe(0);
    });
    await expect(runtime.getSession(key)).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runtime.stats().cleanupCycles).toBe(2);
    await runtime.shutdown();
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(runtime.stats().cleanupCycles).toBe(2);
  });

  it('should wait for pending operations and stop the actors', async () => {
    const gate = createGate();
    const { runtime, store, clock } = createTestRuntime({ trainerGate: gate.wait });
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'fit');
    const dataset = await runtime.storeData(key, sampleTable());
    await runtime.send(key, { type: 'data.uploaded', dataset });
    const pending = runtime.send(key, { type: 'target.selected', column: 'y' });
    await runtime.shutdown();
    await expect(pending).resolves.toMatchObject({ ok: true });
    expect(runtime.stats().activeSessions).toBe(0);
    const again = createTestRuntime({ store, clock }).runtime;
    expect((await again.getSession(key))?.workflow?.state).toBe('selecting_features');
    gate.open();
  });

  it('should throw SessionExpiredError after shutdown for a session that expired meanwhile', async () => {
    const { runtime, clock } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await runtime.shutdown();
    clock.advanceMinutes(31);
    await expect(runtime.getHistory(key)).rejects.toBeInstanceOf(SessionExpiredError);
  });
});
