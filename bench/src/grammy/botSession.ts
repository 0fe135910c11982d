/**
 * Runs one training session through a grammY bot's `handleUpdate`: `/train`, the CSV
 * upload, the target, the features, the model type.
 */
import type { Bot } from 'grammy';
import { nowNs } from '../harness.ts';
import type { SessionRunner } from '../steps/driveSessions.ts';
import { documentUpdate, textUpdate } from './fakeTelegram.ts';

/** Options of {@link botSession}. */
export interface BotSessionOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any bot, whatever its context flavour
  bot: Bot<any>;
  /** Chat ids are `firstChatId + index`, one chat per session. */
  firstChatId: number;
  /**
   * Resolves when the session's model is trained, for bots that announce it after the
   * last update was handled; without it the last update's handling is the end.
   */
  waitForCompletion?: (chatId: number) => Promise<void>;
}

/**
 * A session runner that sends a session's five updates in order, timing the four
 * that carry a step (the upload, target, features, model type).
 *
 * @example
 * ```ts
 * await driveSessions({ sessions: 200, concurrency: 1, runSession: botSession({ bot, firstChatId: 1e6 }) });
 * ```
 */
export function botSession(options: BotSessionOptions): SessionRunner {
  const { bot } = options;
  return async (index, record) => {
    const chatId = options.firstChatId + index;
    const completion = options.waitForCompletion?.(chatId);
    await bot.handleUpdate(textUpdate(chatId, '/train'));
    const steps = [
      documentUpdate(chatId, 'houses.csv'),
      textUpdate(chatId, 'price'),
      textUpdate(chatId, 'area, rooms, age, distance'),
      textUpdate(chatId, 'linear_regression'),
    ];
    for (const update of steps) {
      const start = nowNs();
      await bot.handleUpdate(update);
      record(nowNs() - start);
    }
    await completion;
  };
}
