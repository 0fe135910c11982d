import {
  createRuntime,
  type Runtime,
  type SessionKey,
  type StepResult,
  StoreUnavailableError,
} from '@chatflow/runtime';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CounterContext, counterWorkflow } from '../src/counterWorkflow.ts';
import { type OpenBackend, openBackend } from '../src/openBackend.ts';
import type { RawRedisClient } from '../src/rawRedisClient.ts';

const commandTimeoutMs = 300;

/** The ids the counter applied, read back by a fresh runtime. */
async function appliedIds(backend: OpenBackend, key: SessionKey): Promise<string[]> {
  const reader = createRuntime({
    workflows: { counter: counterWorkflow },
    store: backend.store,
    logger: pino({ level: 'silent' }),
  });
  const view = await reader.getSession(key);
  await reader.shutdown();
  return (view?.workflow?.context as CounterContext | undefined)?.ids ?? [];
}

/** Sends until the call does not fail with StoreUnavailableError; counts the failures. */
async function sendUntilAnswered(send: () => Promise<StepResult>) {
  let failures = 0;
  for (;;) {
    try {
      return { result: await send(), failures };
    } catch (error) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      failures += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('a message retried after a write that timed out but went through', () => {
  let backend: OpenBackend;
  let raw: RawRedisClient;
  let runtime: Runtime;
  const key: SessionKey = { userId: 'retry', conversationId: 'chat' };

  beforeEach(async () => {
    backend = await openBackend('redis', { commandTimeoutMs });
    raw = await backend.rawRedis();
    runtime = createRuntime({
      workflows: { counter: counterWorkflow },
      store: backend.store,
      logger: pino({ level: 'silent' }),
    });
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'counter');
  });
  afterEach(async () => {
    await runtime.shutdown();
    await backend.close();
  });

  /**
   * Holds Redis' writes for three command timeouts (`CLIENT PAUSE ... WRITE`): the
   * runtime reads, sends its compare-and-set, times out and reports the store
   * unavailable; Redis then runs the held write.
   */
  async function holdWrites(): Promise<void> {
    expect(await raw.command('CLIENT', 'PAUSE', String(commandTimeoutMs * 3), 'WRITE')).toBe('OK');
  }

  it('should apply it once when it carries its messageId', async () => {
    await holdWrites();
    const event = { type: 'add', id: 'update-1001', amount: 5 };
    const { result, failures } = await sendUntilAnswered(() =>
      runtime.send(key, event, { messageId: 1001 }),
    );
    expect(failures).toBeGreaterThan(0);
    // The first write went through after all: the retry is recognised.
    expect(result).toMatchObject({ ok: true, duplicate: true });
    expect(await appliedIds(backend, key)).toEqual(['update-1001']);
    // A later message is applied as usual.
    const next = await runtime.send(
      key,
      { type: 'add', id: 'update-1002', amount: 1 },
      { messageId: 1002 },
    );
    expect(next).toMatchObject({ ok: true });
    expect(next.ok && next.duplicate).toBeFalsy();
    expect(await appliedIds(backend, key)).toEqual(['update-1001', 'update-1002']);
    console.log(
      'retried message with an id:',
      JSON.stringify({ failures, applied: 1, duplicateAnswered: true }),
    );
  });

  it('should apply it twice without a messageId (what the id is for)', async () => {
    await holdWrites();
    const event = { type: 'add', id: 'update-2001', amount: 5 };
    const { result, failures } = await sendUntilAnswered(() => runtime.send(key, event));
    expect(failures).toBeGreaterThan(0);
    expect(result.ok).toBe(true);
    expect(await appliedIds(backend, key)).toEqual(['update-2001', 'update-2001']);
  });
});
