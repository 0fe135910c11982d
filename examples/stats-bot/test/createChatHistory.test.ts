import { workflows } from '@chatflow/machines';
import { createRuntime } from '@chatflow/runtime';
import { describe, expect, it } from 'vitest';
import { createChatHistory } from '../src/createChatHistory.ts';
import { createStderrLogger } from '../src/createStderrLogger.ts';

const key = { userId: 'u1', conversationId: 'c1' };
const choices = [
  { label: 'price (number)', value: 'price' },
  { label: 'rooms (number)', value: 'rooms' },
];

async function open() {
  const runtime = createRuntime({ workflows, logger: createStderrLogger('silent') });
  await runtime.getOrCreateSession(key);
  return { runtime, history: createChatHistory(runtime) };
}

describe('createChatHistory', () => {
  it('should give the choices of the latest reply, and none when it offered none', async () => {
    const { history } = await open();
    expect(await history.lastOffered(key)).toBeUndefined();
    await history.rememberReplies(key, [{ text: 'Which target?', choices, multiple: true }]);
    await history.rememberUser(key, '1');
    expect(await history.lastOffered(key)).toEqual({ choices, multiple: true });
    await history.rememberReplies(key, [{ text: 'Training…' }]);
    expect(await history.lastOffered(key)).toBeUndefined();
  });

  it('should give the latest recorded action', async () => {
    const { history } = await open();
    expect(await history.lastAction(key)).toBeUndefined();
    await history.recordAction(key, {
      workflow: 'data_exploration',
      command: 'histogram',
      column: 'price',
    });
    await history.recordAction(key, { workflow: 'stats_analysis', analysis: 'correlation' });
    await history.rememberUser(key, 'what about rooms?');
    expect(await history.lastAction(key)).toEqual({
      workflow: 'stats_analysis',
      analysis: 'correlation',
    });
  });

  it('should skip writing to a session that was forgotten', async () => {
    const { runtime, history } = await open();
    await runtime.forgetUser(key.userId);
    await expect(history.rememberReplies(key, [{ text: 'Done.' }])).resolves.toBeUndefined();
    expect(await runtime.getSession(key)).toBeUndefined();
  });
});
