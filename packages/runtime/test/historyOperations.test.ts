import { describe, expect, it } from 'vitest';
import { SessionNotFoundError } from '../src/errors.ts';
import { createTestRuntime } from './support/testRuntime.ts';

const key = { userId: 7, conversationId: 'c' };

describe('addToHistory and getHistory', () => {
  it('should keep messages in order and return the last n, 5 by default', async () => {
    const { runtime, clock } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    for (let i = 1; i <= 8; i += 1) {
      clock.advanceMinutes(1);
      await runtime.addToHistory(key, {
        role: i % 2 === 0 ? 'assistant' : 'user',
        text: `message ${i}`,
        ...(i === 8 ? { metadata: { step: 'done' } } : {}),
      });
    }
    const last5 = await runtime.getHistory(key);
    expect(last5.map((m) => m.text)).toEqual([4, 5, 6, 7, 8].map((i) => `message ${i}`));
    expect(last5[4]).toEqual({
      role: 'assistant',
      text: 'message 8',
      metadata: { step: 'done' },
      at: clock.now(),
    });
    expect((await runtime.getHistory(key, 2)).map((m) => m.text)).toEqual([
      'message 7',
      'message 8',
    ]);
    expect(await runtime.getHistory(key, 0)).toEqual([]);
  });

  it('should keep a sliding window of maxHistoryMessages, persisted', async () => {
    const { runtime, store, clock } = createTestRuntime({ config: { maxHistoryMessages: 3 } });
    await runtime.getOrCreateSession(key);
    for (let i = 1; i <= 5; i += 1)
      await runtime.addToHistory(key, { role: 'user', text: `m${i}` });
    const again = createTestRuntime({ store, clock, config: { maxHistoryMessages: 3 } }).runtime;
    expect((await again.getHistory(key, 10)).map((m) => m.text)).toEqual(['m3', 'm4', 'm5']);
  });

  it('should refuse a malformed message', async () => {
    const { runtime } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await expect(
      runtime.addToHistory(key, { role: 'robot', text: 'x' } as never),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(runtime.addToHistory(key, { role: 'user' } as never)).rejects.toBeInstanceOf(
      TypeError,
    );
  });

  it('should need a session', async () => {
    const { runtime } = createTestRuntime();
    await expect(runtime.getHistory(key)).rejects.toBeInstanceOf(SessionNotFoundError);
  });
});
