import { describe, expect, it } from 'vitest';
import { sessionStorageKey } from '../src/keys.ts';
import { createMemoryStore } from '../src/memoryStore.ts';
import type { Runtime } from '../src/types.ts';
import { createClock, createTestRuntime } from './support/testRuntime.ts';

/**
 * Pins the bound of the idempotency memory as the runtime README documents it
 * ("Retried messages"): a session remembers the ids of its last 32 applied steps that
 * carried one; a retry of an older message is taken as a new message.
 */
const key = { userId: 'window', conversationId: 'chat' };
const windowSize = 32;

function counterOn() {
  const clock = createClock();
  const store = createMemoryStore({ now: clock.now });
  const open = () => createTestRuntime({ store, clock }).runtime;
  return { store, clock, open };
}

async function total(runtime: Runtime): Promise<number | undefined> {
  const context = (await runtime.getSession(key))?.workflow?.context as
    | { total: number }
    | undefined;
  return context?.total;
}

describe('the window of applied message ids', () => {
  it('should answer a retry within the last 32 as a duplicate, and apply again one that is 32 steps old, even across a restart', async () => {
    const { store, open } = counterOn();
    const first = open();
    await first.getOrCreateSession(key);
    await first.startWorkflow(key, 'counter', { messageId: 'start' });
    // 'start' plus m1..m31 fill the window; m32 pushes 'start' out.
    for (let i = 1; i <= windowSize; i += 1) {
      expect(
        await first.send(key, { type: 'add', amount: 1 }, { messageId: `m${i}` }),
      ).toMatchObject({ ok: true });
    }
    expect(await total(first)).toBe(32);
    const stored = JSON.parse((await store.get(sessionStorageKey(key)))?.value ?? '{}') as {
      appliedMessages?: string[];
    };
    expect(stored.appliedMessages).toHaveLength(windowSize);
    expect(stored.appliedMessages?.[0]).toBe('m1');
    await first.shutdown();

    // A fresh runtime on the same store: the window is in the stored record.
    const second = open();
    await second.getOrCreateSession(key);
    // m1, the oldest id still in the window, is a duplicate: nothing applied.
    const duplicate = await second.send(key, { type: 'add', amount: 1 }, { messageId: 'm1' });
    expect(duplicate).toMatchObject({ ok: true, duplicate: true, context: { total: 32 } });
    // 'start' left the window: its retry is a new message. startWorkflow replaces the
    // running counter with a fresh one, as a first delivery would.
    const restarted = await second.startWorkflow(key, 'counter', { messageId: 'start' });
    expect(restarted).not.toHaveProperty('duplicate');
    expect(restarted).toMatchObject({ ok: true, replaced: 'counter', context: { total: 0 } });
    // Applying 'start' again put it back in the window and pushed m1 out.
    expect(await second.startWorkflow(key, 'counter', { messageId: 'start' })).toMatchObject({
      duplicate: true,
    });
    const late = await second.send(key, { type: 'add', amount: 5 }, { messageId: 'm1' });
    expect(late).not.toHaveProperty('duplicate');
    expect(late).toMatchObject({ ok: true, context: { total: 5 } });
    await second.shutdown();
  });

  it('should count only applied steps with an id: refusals, duplicates and steps without an id take no place', async () => {
    const { open } = counterOn();
    const runtime = open();
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    await runtime.send(key, { type: 'add', amount: 1 }, { messageId: 'kept' });
    for (let i = 0; i < 40; i += 1) {
      // Refused by the guard: recorded nowhere.
      expect(
        await runtime.send(key, { type: 'add', amount: -1 }, { messageId: `refused-${i}` }),
      ).toMatchObject({ ok: false, code: 'PREREQUISITE_NOT_MET' });
      // Applied without an id, and a duplicate of 'kept'.
      await runtime.send(key, { type: 'add', amount: 1 });
      expect(
        await runtime.send(key, { type: 'add', amount: 1 }, { messageId: 'kept' }),
      ).toMatchObject({ duplicate: true });
    }
    // 31 more identified steps: 'kept' is then the oldest of 32, still remembered.
    for (let i = 1; i < windowSize; i += 1) {
      await runtime.send(key, { type: 'add', amount: 1 }, { messageId: `n${i}` });
    }
    expect(
      await runtime.send(key, { type: 'add', amount: 1 }, { messageId: 'kept' }),
    ).toMatchObject({ duplicate: true });
    // A refused retry is judged again, and a later valid one applies; being the 33rd
    // identified step, it pushes 'kept' out of the window.
    expect(
      await runtime.send(key, { type: 'add', amount: -1 }, { messageId: 'refused-0' }),
    ).toMatchObject({ ok: false });
    expect(
      await runtime.send(key, { type: 'add', amount: 2 }, { messageId: 'refused-0' }),
    ).not.toHaveProperty('duplicate');
    expect(
      await runtime.send(key, { type: 'add', amount: 1 }, { messageId: 'kept' }),
    ).not.toHaveProperty('duplicate');
    expect(await total(runtime)).toBe(1 + 40 + 31 + 2 + 1);
    await runtime.shutdown();
  });

  it('should share one window between send and startWorkflow, and start empty in a new session', async () => {
    const { open, clock } = counterOn();
    const runtime = open();
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter', { messageId: 42 });
    // The same id on a send is the same message: a duplicate.
    expect(await runtime.send(key, { type: 'add', amount: 1 }, { messageId: '42' })).toMatchObject({
      duplicate: true,
      context: { total: 0 },
    });
    await runtime.deleteSession(key);
    await runtime.getOrCreateSession(key);
    const again = await runtime.startWorkflow(key, 'counter', { messageId: 42 });
    expect(again).not.toHaveProperty('duplicate');
    expect(again).toMatchObject({ ok: true, state: 'counting' });
    // Expired past its grace period (30 + 5 minutes by default): a new session, a new window.
    clock.advanceMinutes(36);
    expect(await runtime.getOrCreateSession(key)).toMatchObject({ reset: 'expired' });
    const fresh = await runtime.startWorkflow(key, 'counter', { messageId: 42 });
    expect(fresh).not.toHaveProperty('duplicate');
    expect(fresh).toMatchObject({ ok: true, state: 'counting' });
    await runtime.shutdown();
  });
});

describe('cancelWorkflow with a message id', () => {
  it('should cancel once: a redelivered cancel does not stop the workflow started after it', async () => {
    const { open } = counterOn();
    const runtime = open();
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter', { messageId: 1 });
    expect(await runtime.cancelWorkflow(key, { messageId: 2 })).toEqual({
      cancelled: true,
      workflow: 'counter',
    });
    await runtime.startWorkflow(key, 'counter', { messageId: 3 });
    // Updates 2 and 3 come again (a bot that crashed before confirming them).
    expect(await runtime.cancelWorkflow(key, { messageId: 2 })).toEqual({
      cancelled: false,
      workflow: null,
      duplicate: true,
    });
    expect(await runtime.startWorkflow(key, 'counter', { messageId: 3 })).toMatchObject({
      ok: true,
      duplicate: true,
    });
    expect((await runtime.getSession(key))?.workflow).toMatchObject({
      type: 'counter',
      done: false,
    });
  });

  it('should keep the id of a cancel that found nothing running, across a restart', async () => {
    const { open } = counterOn();
    const first = open();
    await first.getOrCreateSession(key);
    expect(await first.cancelWorkflow(key, { messageId: 'u1' })).toEqual({
      cancelled: false,
      workflow: null,
    });
    await first.startWorkflow(key, 'counter', { messageId: 'u2' });
    await first.shutdown();
    const second = open();
    expect(await second.cancelWorkflow(key, { messageId: 'u1' })).toMatchObject({
      cancelled: false,
      duplicate: true,
    });
    expect((await second.getSession(key))?.workflow?.done).toBe(false);
    // Without an id a cancel that finds nothing running writes nothing.
    const revision = (await second.getSession(key))?.revision;
    expect(await second.cancelWorkflow(key)).toEqual({ cancelled: true, workflow: 'counter' });
    expect(await second.cancelWorkflow(key)).toEqual({ cancelled: false, workflow: null });
    expect((await second.getSession(key))?.revision).toBe((revision ?? 0) + 1);
  });
});
