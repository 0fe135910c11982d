import type { WorkflowDefinition } from '@chatflow/machines';
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, setup } from 'xstate';
import { createRuntime } from '../src/createRuntime.ts';
import { normalizeSessionKey, sessionStorageKey } from '../src/keys.ts';
import { createMemoryStore } from '../src/memoryStore.ts';
import { parseSessionRecord, type SessionRecord } from '../src/sessionRecord.ts';
import type { SessionStore } from '../src/sessionStore.ts';
import type { Runtime, RuntimeEventMap } from '../src/types.ts';
import { expiryMinutes, fixtureWorkflows, reminderMinutes } from './support/fixtureWorkflows.ts';
import {
  createClock,
  createGate,
  createTestRuntime,
  nextEvent,
  sampleTable,
  type TestClock,
} from './support/testRuntime.ts';

const key = { userId: 42, conversationId: 'chat-7' };
const minute = 60_000;

type Transition = RuntimeEventMap['workflow.transition'];

function recordTransitions(runtime: Runtime): Transition[] {
  const seen: Transition[] = [];
  runtime.on('workflow.transition', (event) => seen.push(event));
  return seen;
}

async function storedRecord(store: SessionStore, sessionKey = key): Promise<SessionRecord> {
  const stored = await store.get(sessionStorageKey(normalizeSessionKey(sessionKey)));
  const record = stored === undefined ? undefined : parseSessionRecord(stored.value);
  if (record === undefined) throw new Error('no record');
  return record;
}

/** Sessions that stay active for a day: the timers here run for minutes. */
const dayLong = { sessionTimeoutMinutes: 24 * 60 };

async function reminderSession(
  clock: TestClock = createClock(),
  store = createMemoryStore({ now: clock.now }),
) {
  const { runtime } = createTestRuntime({ clock, store, config: dayLong });
  await runtime.getOrCreateSession(key);
  await runtime.startWorkflow(key, 'reminder');
  return { runtime, clock, store, started: clock.now() };
}

describe('durable timers', () => {
  it('should fire a timer of a live session at its time, persist it, and announce it as a timer step', async () => {
    const { runtime, clock, store, started } = await reminderSession();
    const transitions = recordTransitions(runtime);
    expect((await storedRecord(store)).workflow?.timers).toEqual([
      expect.objectContaining({ dueAt: started + reminderMinutes * minute }),
    ]);
    const before = (await runtime.getSession(key))?.revision ?? 0;
    clock.advanceMinutes(reminderMinutes - 1);
    expect((await runtime.getSession(key))?.workflow?.state).toBe('awaiting_data');
    expect(transitions).toEqual([]);
    clock.advanceMinutes(1);
    await vi.waitFor(() => expect(transitions).toHaveLength(1));
    expect(transitions[0]).toMatchObject({
      source: 'timer',
      from: 'awaiting_data',
      state: 'reminded',
      prompt: 'Still there? Please upload your data.',
      done: false,
      at: started + reminderMinutes * minute,
      context: { reminders: 1 },
    });
    const view = await runtime.getSession(key);
    expect(view).toMatchObject({ revision: before + 1, workflow: { state: 'reminded' } });
    // A timer step is not the user's activity.
    expect(view?.lastActivity).toBe(started);
  });

  it('should run the timers of the next state from when it was entered, and leave none when done', async () => {
    const { runtime, clock, store, started } = await reminderSession();
    const transitions = recordTransitions(runtime);
    const cancelled = new Promise<RuntimeEventMap['workflow.cancelled']>((resolve) => {
      runtime.on('workflow.cancelled', resolve);
    });
    await clock.advanceAsync((reminderMinutes + expiryMinutes) * minute);
    const event = await cancelled;
    expect(event).toMatchObject({ reason: 'event', state: 'reminded', workflow: 'reminder' });
    const reminded = started + reminderMinutes * minute;
    expect(transitions.map((t) => [t.from, t.state, t.at, t.source])).toEqual([
      ['awaiting_data', 'reminded', reminded, 'timer'],
      // the nudge 4 minutes into the reminded step stays in the step (and, targetless,
      // is not scheduled again)
      ['reminded', 'reminded', reminded + 4 * minute, 'timer'],
      ['reminded', 'cancelled', reminded + expiryMinutes * minute, 'timer'],
    ]);
    expect(transitions[1]?.context).toMatchObject({ reminders: 1, nudges: 1 });
    const record = await storedRecord(store);
    expect(record.workflow?.snapshot.status).toBe('done');
    expect(record.workflow?.timers).toBeUndefined();
    expect(clock.pending).toBe(0);
    expect(runtime.stats().pendingTimers).toBe(0);
  });

  it('should never fire the timer of a state that was left', async () => {
    const { runtime, clock, store } = await reminderSession();
    const transitions = recordTransitions(runtime);
    clock.advanceMinutes(5);
    const dataset = await runtime.storeData(key, sampleTable());
    expect(await runtime.send(key, { type: 'data.uploaded', dataset })).toMatchObject({
      state: 'received',
      done: true,
    });
    expect((await storedRecord(store)).workflow?.timers).toBeUndefined();
    clock.advanceMinutes(120);
    expect((await runtime.getSession(key))?.workflow?.state).toBe('received');
    expect(transitions.map((t) => t.source)).toEqual(['user']);
    expect(clock.pending).toBe(0);
  });

  it('should start the timer again when its state is re-entered', async () => {
    const { runtime, clock, started } = await reminderSession();
    const transitions = recordTransitions(runtime);
    clock.advanceMinutes(8);
    await runtime.send(key, { type: 'snooze' });
    clock.advanceMinutes(reminderMinutes - 1);
    expect((await runtime.getSession(key))?.workflow?.state).toBe('awaiting_data');
    clock.advanceMinutes(1);
    await vi.waitFor(() => expect(transitions).toHaveLength(2));
    expect(transitions[1]).toMatchObject({
      source: 'timer',
      state: 'reminded',
      at: started + (8 + reminderMinutes) * minute,
    });
  });

  it('should fire at its time in a new runtime on the same store, after a restart', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const first = await reminderSession(clock, store);
    await first.runtime.shutdown();
    clock.advanceMinutes(3);
    const { runtime } = createTestRuntime({ clock, store, config: dayLong });
    const transitions = recordTransitions(runtime);
    // start() finds the session's pending timer in the store; no message is needed.
    await runtime.start();
    expect(runtime.stats().activeSessions).toBe(0);
    clock.advanceMinutes(reminderMinutes - 3 - 1);
    expect(transitions).toEqual([]);
    clock.advanceMinutes(1);
    await vi.waitFor(() => expect(transitions).toHaveLength(1));
    expect(transitions[0]).toMatchObject({
      source: 'timer',
      state: 'reminded',
      at: first.started + reminderMinutes * minute,
    });
    expect((await storedRecord(store)).workflow?.snapshot.value).toBe('reminded');
    await runtime.shutdown();
  });

  it('should re-arm a timer when a new runtime reads the session, even without start()', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const first = await reminderSession(clock, store);
    await first.runtime.shutdown();
    const { runtime } = createTestRuntime({ clock, store, config: dayLong });
    const transitions = recordTransitions(runtime);
    await runtime.getSession(key);
    clock.advanceMinutes(reminderMinutes);
    await vi.waitFor(() => expect(transitions).toHaveLength(1));
    expect(transitions[0]?.at).toBe(first.started + reminderMinutes * minute);
  });

  it('should fire at once, before the next step, a timer that fell due while no runtime ran', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const first = await reminderSession(clock, store);
    const dataset = await first.runtime.storeData(key, sampleTable());
    await first.runtime.shutdown();
    clock.advanceMinutes(reminderMinutes + 5);
    const restoredAt = clock.now();
    const { runtime } = createTestRuntime({ clock, store, config: dayLong });
    const transitions = recordTransitions(runtime);
    const view = await runtime.getOrCreateSession(key);
    expect(view.workflow).toMatchObject({ state: 'reminded', context: { reminders: 1 } });
    expect(transitions).toEqual([
      expect.objectContaining({ source: 'timer', state: 'reminded', at: restoredAt }),
    ]);
    // The next state's timers count from then.
    expect((await storedRecord(store)).workflow?.timers?.map((t) => t.dueAt)).toEqual([
      restoredAt + 4 * minute,
      restoredAt + expiryMinutes * minute,
    ]);
    expect(await runtime.send(key, { type: 'data.uploaded', dataset })).toMatchObject({
      ok: true,
      state: 'received',
    });
  });

  it('should fire a due timer before a message that arrives after it', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const first = await reminderSession(clock, store);
    await first.runtime.shutdown();
    clock.advanceMinutes(reminderMinutes + 1);
    const { runtime } = createTestRuntime({ clock, store, config: dayLong });
    // The reminder fell due while the runtime was down: it fires first, and `snooze`
    // (taken only while awaiting data) meets the reminded step.
    expect(await runtime.send(key, { type: 'snooze' })).toMatchObject({
      ok: false,
      code: 'INVALID_EVENT',
      state: 'reminded',
    });
    clock.advanceMinutes(expiryMinutes);
    expect(await runtime.send(key, { type: 'cancel' })).toMatchObject({
      ok: false,
      code: 'NO_ACTIVE_WORKFLOW',
    });
    expect((await runtime.getSession(key))?.workflow).toMatchObject({
      state: 'cancelled',
      done: true,
    });
  });

  it('should fire a timer once when two runtimes share the store', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const a = createTestRuntime({ clock, store, config: dayLong }).runtime;
    const b = createTestRuntime({ clock, store, config: dayLong }).runtime;
    await a.getOrCreateSession(key);
    await a.startWorkflow(key, 'reminder');
    const revision = (await b.getSession(key))?.revision ?? 0;
    const fromA = recordTransitions(a);
    const fromB = recordTransitions(b);
    clock.advanceMinutes(reminderMinutes);
    await vi.waitFor(() => expect(fromA.length + fromB.length).toBe(1));
    // Both runtimes had the alarm; the loser of the compare-and-set found the timer gone.
    await a.getSession(key);
    await b.getSession(key);
    expect(fromA.length + fromB.length).toBe(1);
    const view = await b.getSession(key);
    expect(view).toMatchObject({
      revision: revision + 1,
      workflow: { state: 'reminded', context: { reminders: 1 } },
    });
  });

  it('should fire the timer of a session evicted from the live registry', async () => {
    const clock = createClock();
    const { runtime } = createTestRuntime({ clock, config: { maxConcurrentSessions: 1 } });
    const transitions = recordTransitions(runtime);
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'reminder');
    const other = { userId: 43, conversationId: 'chat-8' };
    await runtime.getOrCreateSession(other);
    expect(runtime.stats()).toMatchObject({ activeSessions: 1, evictions: 1 });
    clock.advanceMinutes(reminderMinutes);
    await vi.waitFor(() => expect(transitions).toHaveLength(1));
    expect(transitions[0]).toMatchObject({ key: { userId: '42' }, state: 'reminded' });
  });

  it('should hold a timer while the session is expired and fire it when it is recovered', async () => {
    const clock = createClock();
    const { runtime } = createTestRuntime({
      clock,
      config: { sessionTimeoutMinutes: 5, gracePeriodMinutes: 60 },
    });
    const transitions = recordTransitions(runtime);
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'reminder');
    clock.advanceMinutes(reminderMinutes + 2);
    expect((await runtime.getSession(key))?.status).toBe('expired');
    expect(transitions).toEqual([]);
    const view = await runtime.getOrCreateSession(key);
    expect(view).toMatchObject({ recovered: true, workflow: { state: 'reminded' } });
    expect(transitions).toEqual([expect.objectContaining({ source: 'timer', at: clock.now() })]);
  });

  it('should drop, unannounced, a timer whose transition a guard refuses', async () => {
    const machine = setup({
      types: { context: {} as { ready: boolean } },
      guards: { isReady: ({ context }) => context.ready },
    }).createMachine({
      id: 'guarded',
      initial: 'waiting',
      context: { ready: false },
      states: {
        waiting: {
          meta: { prompt: 'Waiting.' },
          after: { 60000: { guard: 'isReady', target: 'late' } },
        },
        late: { type: 'final', meta: { prompt: 'Late.' } },
      },
    });
    const guarded: WorkflowDefinition = {
      type: 'guarded',
      label: 'Guarded',
      description: 'A timer a guard refuses.',
      version: 1,
      machine,
      events: {},
      refusals: {},
    };
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const { runtime } = createTestRuntime({ clock, store, workflows: { guarded } });
    const transitions = recordTransitions(runtime);
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'guarded');
    const before = (await storedRecord(store)).workflow;
    expect(before?.timers).toHaveLength(1);
    await clock.advanceAsync(60_000);
    const after = (await storedRecord(store)).workflow;
    expect(after?.timers).toBeUndefined();
    expect(after?.snapshot).toEqual(before?.snapshot);
    expect(transitions).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it("should run on XState's SimulatedClock given as both clock and now", async () => {
    const clock = new SimulatedClock();
    clock.set(Date.UTC(2025, 0, 1));
    const runtime = createRuntime({
      workflows: fixtureWorkflows,
      now: () => clock.now(),
      clock,
      config: dayLong,
    });
    const transitions = recordTransitions(runtime);
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'reminder');
    clock.increment(reminderMinutes * minute);
    await vi.waitFor(() => expect(transitions).toHaveLength(1));
    expect(transitions[0]).toMatchObject({ source: 'timer', state: 'reminded' });
    await runtime.shutdown();
  });

  it('should try a timer again later when the store fails, and fire it once it is back', async () => {
    const clock = createClock();
    const inner = createMemoryStore({ now: clock.now });
    const control = { failWrites: false };
    const store: SessionStore = {
      ...inner,
      backend: inner.backend,
      address: inner.address,
      atomic: inner.atomic,
      async compareAndSet(storageKey, expected, record, options) {
        if (control.failWrites) throw new Error('write refused');
        return inner.compareAndSet(storageKey, expected, record, options);
      },
    };
    const { runtime, logLines } = createTestRuntime({ clock, store, config: dayLong });
    const transitions = recordTransitions(runtime);
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'reminder');
    control.failWrites = true;
    clock.advanceMinutes(reminderMinutes);
    await vi.waitFor(() =>
      expect(logLines.some((line) => String(line.msg).includes('session timer'))).toBe(true),
    );
    expect(transitions).toEqual([]);
    control.failWrites = false;
    clock.advance(1000);
    await vi.waitFor(() => expect(transitions).toHaveLength(1));
    expect(transitions[0]).toMatchObject({ state: 'reminded', source: 'timer' });
  });
});

/** A scheduler that never fires: the timers of a runtime whose process died. */
const deadScheduler = { setTimeout: () => 0, clearTimeout: () => {} };

/** Takes a fit workflow to `training` (the trainer starts) in `runtime`. */
async function startTraining(runtime: Runtime) {
  await runtime.getOrCreateSession(key);
  await runtime.startWorkflow(key, 'fit');
  const dataset = await runtime.storeData(key, sampleTable());
  await runtime.send(key, { type: 'data.uploaded', dataset });
  await runtime.send(key, { type: 'target.selected', column: 'y' });
  return runtime.send(key, { type: 'features.selected', columns: ['x', 'z'] });
}

function countEvents(runtimes: Runtime[]) {
  const counts = { completed: 0, internal: 0 };
  for (const runtime of runtimes) {
    runtime.on('workflow.completed', () => {
      counts.completed += 1;
    });
    runtime.on('workflow.transition', (event) => {
      if (event.source === 'internal') counts.internal += 1;
    });
  }
  return counts;
}

describe('work in flight', () => {
  it('should lease the work in the step that starts it', async () => {
    const gate = createGate();
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const { runtime, trainer } = createTestRuntime({ clock, store, trainerGate: gate.wait });
    await startTraining(runtime);
    const record = await storedRecord(store);
    expect(record.workflow?.work).toEqual([
      expect.objectContaining({
        invokeId: 'training',
        src: 'fitModel',
        attempt: 1,
        leaseUntil: clock.now() + 30_000,
      }),
    ]);
    expect(trainer.work).toEqual([
      expect.objectContaining({
        key: { userId: '42', conversationId: 'chat-7' },
        workflow: 'fit',
        invokeId: 'training',
        attempt: 1,
        workId: record.workflow?.work?.[0]?.workId,
      }),
    ]);
    expect(runtime.stats().workInFlight).toBe(1);
    gate.open();
    await vi.waitFor(async () =>
      expect((await runtime.getSession(key))?.workflow?.state).toBe('complete'),
    );
    expect((await storedRecord(store)).workflow?.work).toBeUndefined();
    expect(runtime.stats().workInFlight).toBe(0);
  });

  it('should not start a second run when the session is rehydrated while the first one runs', async () => {
    const gate = createGate();
    const { runtime, trainer } = createTestRuntime({
      trainerGate: gate.wait,
      config: { maxConcurrentSessions: 1 },
    });
    const counts = countEvents([runtime]);
    const evicted: string[] = [];
    runtime.on('session.evicted', (event) => evicted.push(event.key.userId));
    await startTraining(runtime);
    // Another chat pushes the training session out of the live registry (its actor stops).
    await runtime.getOrCreateSession({ userId: 43, conversationId: 'chat-8' });
    expect(evicted).toEqual(['42']);
    // It comes back: its actor is rehydrated from the snapshot taken mid-training.
    expect((await runtime.getOrCreateSession(key)).workflow?.state).toBe('training');
    expect(await runtime.send(key, { type: 'target.selected', column: 'x' })).toMatchObject({
      ok: false,
      code: 'INVALID_EVENT',
    });
    expect(trainer.runs).toBe(1);
    const completed = nextEvent(runtime, 'workflow.completed');
    gate.open();
    await completed;
    const view = await runtime.getSession(key);
    expect(view?.workflow?.state).toBe('complete');
    expect(view?.models).toHaveLength(1);
    expect(trainer.runs).toBe(1);
    expect(counts).toEqual({ completed: 1, internal: 1 });
  });

  it('should leave work to the live runtime that holds its lease, which keeps renewing it', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const gate = createGate();
    const a = createTestRuntime({ clock, store, trainerGate: gate.wait });
    const b = createTestRuntime({ clock, store });
    const counts = countEvents([a.runtime, b.runtime]);
    await startTraining(a.runtime);
    expect((await b.runtime.getSession(key))?.workflow?.state).toBe('training');
    // Two minutes of training: A renews its lease every 10 seconds; B never takes over.
    for (let second = 0; second < 120; second += 5) await clock.advanceAsync(5000);
    expect(b.trainer.runs).toBe(0);
    const lease = (await storedRecord(store)).workflow?.work?.[0];
    expect(lease).toMatchObject({ attempt: 1 });
    expect(lease?.leaseUntil).toBeGreaterThan(clock.now());
    gate.open();
    await vi.waitFor(() => expect(counts.completed).toBe(1));
    expect((await storedRecord(store)).models).toHaveLength(1);
    expect(a.trainer.runs + b.trainer.runs).toBe(1);
    expect(counts).toEqual({ completed: 1, internal: 1 });
  });

  it('should run work again, once, in the next runtime after its runtime died and its lease ran out', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const hung = createGate();
    // A dies mid-training: its trainer never returns and its timers never fire.
    const a = createTestRuntime({ clock, store, scheduler: deadScheduler, trainerGate: hung.wait });
    await startTraining(a.runtime);
    const b = createTestRuntime({ clock, store });
    const counts = countEvents([a.runtime, b.runtime]);
    expect((await b.runtime.getSession(key))?.workflow?.state).toBe('training');
    await clock.advanceAsync(29_000);
    expect(b.trainer.runs).toBe(0);
    await clock.advanceAsync(1000);
    await vi.waitFor(() => expect(counts.completed).toBe(1));
    expect(b.trainer.runs).toBe(1);
    expect(b.trainer.work[0]).toMatchObject({ attempt: 2, invokeId: 'training' });
    expect(a.trainer.work[0]?.workId).toBe(b.trainer.work[0]?.workId);
    const view = await b.runtime.getSession(key);
    expect(view?.workflow?.state).toBe('complete');
    expect(view?.models).toHaveLength(1);
    // The first run comes back after all: its outcome is dropped, not written again.
    // (A still trusts its live copy, so the run finishes; writing its outcome fails the
    // compare-and-set, and the record A reads then leases the work to B.)
    hung.open();
    await vi.waitFor(async () =>
      expect((await a.runtime.getSession(key))?.workflow?.state).toBe('complete'),
    );
    expect((await b.runtime.getSession(key))?.models).toHaveLength(1);
    expect(counts).toEqual({ completed: 1, internal: 1 });
    expect(a.runtime.stats().workInFlight).toBe(0);
  });

  it('should take over at once the work of its own previous life, given a stable owner name', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const hung = createGate();
    const a = createTestRuntime({
      clock,
      store,
      owner: 'stats-bot',
      scheduler: deadScheduler,
      trainerGate: hung.wait,
    });
    await startTraining(a.runtime);
    const b = createTestRuntime({ clock, store, owner: 'stats-bot' });
    const completed = nextEvent(b.runtime, 'workflow.completed');
    await b.runtime.getOrCreateSession(key);
    await completed;
    expect(b.trainer.work).toEqual([expect.objectContaining({ attempt: 2 })]);
    expect(clock.now()).toBe(a.clock.now());
  });

  it('should hand back its leases on shutdown, so the next runtime takes the work over at once', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const hung = createGate();
    const a = createTestRuntime({ clock, store, trainerGate: hung.wait });
    await startTraining(a.runtime);
    await a.runtime.shutdown();
    expect(a.trainer.aborted).toBe(1);
    const b = createTestRuntime({ clock, store });
    const completed = nextEvent(b.runtime, 'workflow.completed');
    await b.runtime.start();
    await completed;
    expect(b.trainer.work).toEqual([expect.objectContaining({ attempt: 2 })]);
    expect((await b.runtime.getSession(key))?.models).toHaveLength(1);
  });

  it('should fail work interrupted maxWorkAttempts times instead of running it again', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const config = { maxWorkAttempts: 2, workLeaseSeconds: 10 };
    const hung = createGate();
    const dying = { clock, store, config, scheduler: deadScheduler, trainerGate: hung.wait };
    const a = createTestRuntime(dying);
    await startTraining(a.runtime);
    const b = createTestRuntime(dying);
    await clock.advanceAsync(10_000);
    await b.runtime.getSession(key);
    await vi.waitFor(() => expect(b.trainer.runs).toBe(1));
    expect(b.trainer.work[0]?.attempt).toBe(2);
    const c = createTestRuntime({ clock, store, config });
    const transitions = recordTransitions(c.runtime);
    await clock.advanceAsync(10_000);
    const view = await c.runtime.getOrCreateSession(key);
    expect(c.trainer.runs).toBe(0);
    expect(view.workflow).toMatchObject({
      state: 'selecting_features',
      context: {
        error:
          'The work "training" was interrupted 2 times (its runtime stopped) and is not run again.',
      },
    });
    expect(transitions).toEqual([
      expect.objectContaining({
        source: 'internal',
        from: 'training',
        state: 'selecting_features',
      }),
    ]);
    expect((await storedRecord(store)).workflow?.work).toBeUndefined();
  });

  it('should stop the work of a workflow cancelled while it runs, and drop its outcome', async () => {
    const gate = createGate();
    const { runtime, trainer } = createTestRuntime({ trainerGate: gate.wait });
    await startTraining(runtime);
    expect(await runtime.send(key, { type: 'cancel' })).toMatchObject({
      state: 'cancelled',
      done: true,
    });
    expect(trainer.aborted).toBe(1);
    expect(runtime.stats().workInFlight).toBe(0);
    gate.open();
    await gate.wait();
    expect((await runtime.getSession(key))?.workflow?.state).toBe('cancelled');
    expect((await runtime.getSession(key))?.models).toEqual([]);
  });

  it('should lease and run, once, work found in a record written before leases existed', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const gate = createGate();
    const a = createTestRuntime({ clock, store, trainerGate: gate.wait });
    await startTraining(a.runtime);
    await a.runtime.shutdown();
    // Remove the lease, as a record of an older runtime would be.
    const storageKey = sessionStorageKey(normalizeSessionKey(key));
    const stored = await store.get(storageKey);
    const record = await storedRecord(store);
    const { work: _work, ...workflow } = record.workflow!;
    await store.compareAndSet(storageKey, stored!.revision, {
      value: JSON.stringify({ ...record, workflow }),
      revision: stored!.revision + 1,
    });
    const b = createTestRuntime({ clock, store });
    const completed = nextEvent(b.runtime, 'workflow.completed');
    await b.runtime.getOrCreateSession(key);
    await b.runtime.getSession(key);
    await completed;
    expect(b.trainer.runs).toBe(1);
    expect(b.trainer.work[0]?.attempt).toBe(1);
  });
});
