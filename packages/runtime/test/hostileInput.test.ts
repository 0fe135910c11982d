import { describe, expect, it } from 'vitest';
import { UnknownWorkflowError } from '../src/errors.ts';
import { normalizeSessionKey, parseStorageKey, sessionStorageKey } from '../src/keys.ts';
import { createMemoryStore } from '../src/memoryStore.ts';
import type { SessionKey } from '../src/types.ts';
import { createClock, createTestRuntime } from './support/testRuntime.ts';

/** Ids with key separators, escapes, hash-tag braces, unicode, lone surrogates, 10 KB. */
const hostileIds = [
  'a:b',
  'a',
  'b:c',
  '{u:1}',
  '}:{',
  '%3A',
  '%u003A',
  '\u{1F600}',
  '\ud800',
  '\udfff:x',
  'x'.repeat(10_000),
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  ' ',
];

function prototypesAreClean(): void {
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  expect(Object.hasOwn(Array.prototype, 'polluted')).toBe(false);
}

/** JSON as a network message arrives: `__proto__` is an own key, not the prototype. */
const fromJson = <T>(text: string): T => JSON.parse(text) as T;

describe('hostile ids and payloads', () => {
  it('should keep every session apart, whatever its ids, and read each back', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const { runtime } = createTestRuntime({ clock, store });
    const keys: SessionKey[] = [];
    for (const userId of hostileIds) {
      for (const conversationId of hostileIds.slice(0, 6)) keys.push({ userId, conversationId });
    }
    const storageKeys = new Set(keys.map((key) => sessionStorageKey(normalizeSessionKey(key))));
    expect(storageKeys.size).toBe(keys.length);
    for (const storageKey of storageKeys) {
      const parsed = parseStorageKey(storageKey);
      expect(parsed?.kind).toBe('session');
    }
    const sessionIds = new Set<string>();
    for (const [index, key] of keys.entries()) {
      sessionIds.add((await runtime.getOrCreateSession(key)).sessionId);
      await runtime.startWorkflow(key, 'counter');
      await runtime.send(key, { type: 'add', amount: index + 1 });
    }
    expect(sessionIds.size).toBe(keys.length);
    const again = createTestRuntime({ clock, store }).runtime;
    for (const [index, key] of keys.entries()) {
      const view = await again.getSession(key);
      expect(view?.userId).toBe(key.userId);
      expect(view?.conversationId).toBe(key.conversationId);
      expect(view?.workflow?.context).toEqual({ total: index + 1, steps: [index + 1] });
    }
    const forgotten = await again.forgetUser('__proto__');
    expect(forgotten.sessions).toBe(6);
    expect(await again.getSession({ userId: 'constructor', conversationId: 'a' })).toBeDefined();
    prototypesAreClean();
  });

  it('should take events with __proto__ and constructor keys without polluting anything', async () => {
    const { runtime } = createTestRuntime();
    const key = { userId: '__proto__', conversationId: 'constructor' };
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    const step = await runtime.send(
      key,
      fromJson(
        '{"type":"add","amount":2,"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}',
      ),
    );
    // The machine gets the schema's output: unknown keys are dropped.
    expect(step).toMatchObject({ ok: true, context: { total: 2, steps: [2] } });
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await runtime.send(key, { type })).toMatchObject({
        ok: false,
        code: 'INVALID_EVENT',
        message: `"${type}" does nothing in this step. Send numbers to add. This step accepts: add, finish, cancel.`,
      });
    }
    const long = await runtime.send(key, { type: 'y'.repeat(10_000) });
    expect(long.ok).toBe(false);
    expect(!long.ok && long.message.length).toBeLessThan(200);
    await expect(runtime.startWorkflow(key, '__proto__')).rejects.toBeInstanceOf(
      UnknownWorkflowError,
    );
    await expect(runtime.startWorkflow(key, 'constructor')).rejects.toBeInstanceOf(
      UnknownWorkflowError,
    );
    const fit = { userId: 7, conversationId: 'fit' };
    await runtime.getOrCreateSession(fit);
    await runtime.startWorkflow(fit, 'fit');
    const uploaded = await runtime.send(
      fit,
      fromJson(
        '{"type":"data.uploaded","dataset":{"id":"d","name":"n","rowCount":2,"__proto__":{"polluted":3},' +
          '"columns":[{"name":"__proto__","type":"number"},{"name":"constructor","type":"number"}]}}',
      ),
    );
    expect(uploaded).toMatchObject({ ok: true, state: 'selecting_target' });
    expect(await runtime.send(fit, { type: 'target.selected', column: '__proto__' })).toMatchObject(
      { ok: true, state: 'selecting_features', context: { target: '__proto__' } },
    );
    expect(await runtime.send(fit, { type: 'target.selected', column: 'toString' })).toMatchObject({
      ok: false,
    });
    prototypesAreClean();
  });

  it('should keep history metadata with __proto__ keys as plain data, in memory and in the store', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const { runtime } = createTestRuntime({ clock, store });
    const key = { userId: 1, conversationId: 'constructor' };
    await runtime.getOrCreateSession(key);
    const metadata = fromJson<Record<string, unknown>>(
      '{"__proto__":{"polluted":4},"constructor":{"prototype":{"polluted":5}},"nested":{"__proto__":{"polluted":6}}}',
    );
    await runtime.addToHistory(key, { role: 'user', text: 'hello', metadata });
    for (const reader of [runtime, createTestRuntime({ clock, store }).runtime]) {
      const [message] = await reader.getHistory(key);
      const read = message?.metadata ?? {};
      expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
      expect(Object.keys(read)).toEqual(['__proto__', 'constructor', 'nested']);
      expect(JSON.stringify(read)).toBe(JSON.stringify(metadata));
      expect((read as { polluted?: unknown }).polluted).toBeUndefined();
    }
    await expect(
      runtime.addToHistory(key, { role: '__proto__' as never, text: 'x' }),
    ).rejects.toBeInstanceOf(TypeError);
    prototypesAreClean();
  });

  it('should answer an event whose type or payload throws when read with INVALID_EVENT', async () => {
    const { runtime } = createTestRuntime();
    const key = { userId: 'u', conversationId: 'c' };
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    const trap = () => {
      throw new Error('a trap that throws');
    };
    const proxy = new Proxy({}, { get: trap, ownKeys: trap, has: trap });
    const throwingPayload = { type: 'add' };
    Object.defineProperty(throwingPayload, 'amount', { enumerable: true, get: trap });
    for (const event of [proxy, throwingPayload]) {
      expect(await runtime.send(key, event)).toMatchObject({
        ok: false,
        code: 'INVALID_EVENT',
        state: 'counting',
      });
    }
    expect(await runtime.send(key, { type: 'add', amount: 2 })).toMatchObject({ ok: true });
  });

  it('should refuse malformed session keys with a TypeError, inherited fields included', async () => {
    const { runtime } = createTestRuntime();
    const malformed: unknown[] = [
      null,
      'user',
      { userId: Number.NaN, conversationId: 'a' },
      { userId: Number.POSITIVE_INFINITY, conversationId: 'a' },
      { userId: {}, conversationId: 'a' },
      { userId: 1, conversationId: 2 },
      fromJson('{"__proto__":{"userId":1,"conversationId":"a"}}'),
    ];
    for (const key of malformed) {
      await expect(runtime.getOrCreateSession(key as SessionKey)).rejects.toBeInstanceOf(TypeError);
    }
    expect(runtime.stats().activeSessions).toBe(0);
    prototypesAreClean();
  });

  it('should log no hostile id or payload in full', async () => {
    const { runtime, logLines } = createTestRuntime();
    const key = { userId: 'u'.repeat(10_000), conversationId: 'c'.repeat(10_000) };
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
    await runtime.send(key, { type: 'add', amount: -1, note: 'n'.repeat(10_000) });
    await runtime.send(key, { type: 't'.repeat(10_000) });
    const logged = JSON.stringify(logLines);
    expect(logLines.length).toBeGreaterThan(0);
    for (const letter of ['u', 'c', 'n', 't']) expect(logged).not.toContain(letter.repeat(61));
  });
});
