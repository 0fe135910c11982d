import {
  createChatflowMiddleware,
  downloadTelegramFile,
  type HostMessage,
} from '@chatflow/adapters/grammy';
import { workflows } from '@chatflow/machines';
import type { Runtime } from '@chatflow/runtime';
import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { formatTelegramText } from './formatTelegramText.ts';
import type { ChatBot, IncomingMessage } from './types.ts';
import { uploadTooLarge } from './uploadTooLarge.ts';

/** Options of {@link createTelegramBot}. */
export interface TelegramBotOptions {
  /** The bot token from @BotFather. */
  token: string;
  /** The bot core that answers. */
  bot: ChatBot;
  /** The runtime the bot core runs on (the middleware keys and recovers its sessions). */
  runtime: Runtime;
  /** The bot's own user, when known (tests); otherwise `bot.init()` asks Telegram. */
  botInfo?: UserFromGetMe;
  /**
   * The Bot API server.
   * @default 'https://api.telegram.org'
   */
  apiRoot?: string;
  /** Where failures are reported. @default console.error */
  onError?: (error: unknown) => void;
}

/** The commands the bot lists in Telegram's command menu; all of them go to the bot core. */
export const telegramCommands = [
  { command: 'start', description: 'the menu' },
  { command: 'train', description: 'train a model' },
  { command: 'predict', description: 'predict with a model' },
  { command: 'stats', description: 'run a statistical analysis' },
  { command: 'explore', description: 'explore a data set' },
  { command: 'status', description: 'where we are' },
  { command: 'back', description: 'the previous step' },
  { command: 'cancel', description: 'stop the workflow' },
  { command: 'history', description: 'our last messages' },
  { command: 'forget', description: 'delete everything about me' },
  { command: 'help', description: 'how this works' },
];

/** Telegram's limit on files a bot may download, in bytes. */
const telegramDownloadLimit = 20 * 2 ** 20;

/**
 * What the middleware hands over, as the bot core reads it: a pressed choice is its value
 * typed, a multi-select its values separated by commas.
 */
function toIncoming(message: HostMessage): IncomingMessage {
  if ('text' in message) return { text: message.text };
  if ('file' in message) return { file: { name: message.file.name, bytes: message.file.bytes } };
  if ('choice' in message) return { text: message.choice };
  return { text: message.choices.join(', ') };
}

/**
 * Creates the Telegram bot: a grammY `Bot` running chatflow's grammY middleware with the
 * bot core answering (`respond`), so Telegram gets the same conversation as the console.
 * The middleware keys the sessions by chat and user, recovers them, keeps each chat's
 * messages in order, downloads documents, renders the replies (HTML text, inline
 * keyboards, multi-selects ticked in place, photos, documents) and reads the buttons
 * back; work that finishes later (a training) is pushed to its chat through the same
 * line. Start it with `bot.start()` (long polling).
 *
 * @example
 * ```ts
 * const telegram = createTelegramBot({ token: process.env.BOT_TOKEN!, bot: statsBot, runtime });
 * await telegram.api.setMyCommands(telegramCommands);
 * await telegram.start();
 * ```
 */
export function createTelegramBot(options: TelegramBotOptions): Bot {
  const core = options.bot;
  const apiRoot = options.apiRoot ?? 'https://api.telegram.org';
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const bot = new Bot(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: { apiRoot },
  });

  const chatflow = createChatflowMiddleware({
    runtime: options.runtime,
    workflows,
    api: bot.api,
    hostCommands: telegramCommands,
    respond: ({ key, message, messageId }) =>
      core.handleMessage(key, toIncoming(message), { messageId }),
    maxFileBytes: Math.min(core.maxUploadBytes, telegramDownloadLimit),
    downloadFile: (args) => downloadTelegramFile(args, apiRoot),
    formatText: (text) => formatTelegramText(text),
    parseMode: 'HTML',
    texts: {
      fileTooLarge: (limit, file) => uploadTooLarge(file.name, file.size, limit),
      fileUnreadable: (name, reason) =>
        `I could not download "${name}" from Telegram (${reason}). Nothing was changed; please send it again.`,
    },
    onPushError: (error) => onError(error),
  });
  core.onReply((key, replies) => {
    void chatflow.push(key, replies);
  });

  bot.use(chatflow);
  bot.on(['message:photo', 'message:sticker', 'message:voice', 'message:video'], (ctx) =>
    ctx.reply('Please send your data as a file (a CSV or an Excel workbook), not as media.'),
  );
  // The middleware has already told the user; this reports the fault.
  bot.catch((error) => onError(error.error));
  return bot;
}
