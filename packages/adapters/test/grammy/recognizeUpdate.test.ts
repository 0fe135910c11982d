import { Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { type Intent, recognizeUpdate } from '../../src/grammy/recognizeUpdate.ts';
import { botInfo, callbackUpdate, documentUpdate, textUpdate } from './telegramHarness.ts';

/** What recognizeUpdate makes of an update, seen from inside a real bot. */
async function recognize(update: Update): Promise<Intent | undefined> {
  const bot = new Bot('5000000001:AAH-recognize', { botInfo });
  let intent: Intent | undefined;
  let ran = false;
  bot.use((ctx: Context) => {
    ran = true;
    intent = recognizeUpdate(ctx, new Set(['start', 'status']));
  });
  await bot.handleUpdate(update);
  expect(ran).toBe(true);
  return intent;
}

describe('recognizeUpdate', () => {
  it('should recognize its commands with their payload, also addressed to this bot', async () => {
    expect(await recognize(textUpdate('/start ml_training'))).toEqual({
      kind: 'command',
      name: 'start',
      payload: 'ml_training',
    });
    expect(await recognize(textUpdate('/STATUS@chatflow_stats_bot'))).toEqual({
      kind: 'command',
      name: 'status',
      payload: '',
    });
  });

  it('should leave other commands and commands for other bots alone', async () => {
    expect(await recognize(textUpdate('/weather'))).toBeUndefined();
    expect(await recognize(textUpdate('/status@another_bot'))).toBeUndefined();
  });

  it('should recognize text, its own buttons and documents', async () => {
    expect(await recognize(textUpdate('price'))).toEqual({ kind: 'text', text: 'price' });
    expect(await recognize(callbackUpdate('cf:w:ml_training'))).toEqual({
      kind: 'callback',
      action: { kind: 'start', workflow: 'ml_training' },
    });
    expect(await recognize(callbackUpdate('like:42'))).toBeUndefined();
    expect(await recognize(documentUpdate('a.csv', 'BQACAgQAAxkBAAIC02', 12))).toMatchObject({
      kind: 'document',
      document: { file_name: 'a.csv', file_size: 12 },
    });
  });
});
