import { downloadTelegramFile } from '@chatflow/adapters/grammy';
import { Bot, type Context, InputFile } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { formatTelegramText, maxCaptionLength } from './formatTelegramText.ts';
import { maskNumbers, readButton, replyKeyboard, toggledKeyboard } from './telegramKeyboard.ts';
import type { ChatBot, ChatKey, IncomingMessage, Reply } from './types.ts';
import { uploadTooLarge } from './uploadTooLarge.ts';

/** Options of {@link createTelegramBot}. */
export interface TelegramBotOptions {
  /** The bot token from @BotFather. */
  token: string;
  /** The bot core that answers. */
  bot: ChatBot;
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

/** The commands the bot lists in Telegram's command menu. */
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

function keyOf(ctx: Context): ChatKey | undefined {
  const chat = ctx.chat;
  const from = ctx.from;
  if (!chat || !from) return undefined;
  return { userId: from.id, conversationId: String(chat.id) };
}

/**
 * Sends the bot's replies to a chat: text as HTML (tables in monospace, long texts
 * split), choices as inline keyboards (toggles for a multi-select), pictures as photos
 * and files as documents, each with its text as the caption when it fits.
 */
export async function sendReplies(
  api: Bot['api'],
  chatId: number | string,
  replies: readonly Reply[],
): Promise<void> {
  for (const reply of replies) {
    const markup = replyKeyboard(reply);
    const attachment = reply.image ?? reply.file;
    const parts = formatTelegramText(reply.text);
    const captionFits = parts.length === 1 && (parts[0] ?? '').length <= maxCaptionLength;
    if (attachment) {
      const file = new InputFile(attachment.bytes, attachment.name);
      const extra = {
        ...(captionFits ? { caption: parts[0] ?? '', parse_mode: 'HTML' as const } : {}),
        ...(markup && captionFits ? { reply_markup: markup } : {}),
      };
      if (!captionFits) {
        for (const part of parts) await api.sendMessage(chatId, part, { parse_mode: 'HTML' });
      }
      if (reply.image) await api.sendPhoto(chatId, file, extra);
      else await api.sendDocument(chatId, file, extra);
      if (markup && !captionFits) {
        await api.sendMessage(chatId, 'Choose:', { reply_markup: markup });
      }
      continue;
    }
    for (const [index, part] of parts.entries()) {
      const last = index === parts.length - 1;
      await api.sendMessage(chatId, part, {
        parse_mode: 'HTML',
        ...(last && markup ? { reply_markup: markup } : {}),
      });
    }
  }
}

/**
 * Creates the Telegram bot: a grammY `Bot` whose text messages, commands, documents and
 * button presses go to the same bot core as the console, with the replies sent back as
 * messages with inline keyboards, photos (histograms) and documents (predictions). Work
 * that finishes later (training) is announced to its chat. Start it with `bot.start()`
 * (long polling).
 *
 * @example
 * ```ts
 * const telegram = createTelegramBot({ token: process.env.BOT_TOKEN!, bot: statsBot });
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

  const answer = async (ctx: Context, message: IncomingMessage): Promise<void> => {
    const key = keyOf(ctx);
    if (!key || !ctx.chat) return;
    const replies = await core.handleMessage(key, message);
    await sendReplies(ctx.api, ctx.chat.id, replies);
  };

  core.onReply((key, replies) => {
    sendReplies(bot.api, key.conversationId, replies).catch(onError);
  });

  bot.on('message:text', (ctx) => answer(ctx, { text: ctx.message.text }));

  bot.on('message:document', async (ctx) => {
    const document = ctx.message.document;
    const name = document.file_name ?? 'upload';
    const size = document.file_size ?? 0;
    const limit = Math.min(core.maxUploadBytes, telegramDownloadLimit);
    if (size > limit) {
      await ctx.reply(uploadTooLarge(name, size, limit));
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = await downloadTelegramFile(
        { ctx, fileId: document.file_id, maxBytes: limit },
        apiRoot,
      );
    } catch (error) {
      await ctx.reply(
        `I could not download "${name}" from Telegram (${error instanceof Error ? error.message : String(error)}). Nothing was changed; please send it again.`,
      );
      return;
    }
    await answer(ctx, { file: { name, bytes } });
  });

  bot.on(['message:photo', 'message:sticker', 'message:voice', 'message:video'], (ctx) =>
    ctx.reply('Please send your data as a file (a CSV or an Excel workbook), not as media.'),
  );

  bot.on('callback_query:data', async (ctx) => {
    const action = readButton(ctx.callbackQuery.data);
    if (!action) {
      await ctx.answerCallbackQuery({ text: 'This button is no longer in use.' });
      return;
    }
    if (action.kind === 'toggle') {
      const keyboard = ctx.callbackQuery.message?.reply_markup;
      if (!keyboard) {
        await ctx.answerCallbackQuery();
        return;
      }
      const next = toggledKeyboard(keyboard, action.mask, action.index);
      await ctx.editMessageReplyMarkup({ reply_markup: next.keyboard });
      await ctx.answerCallbackQuery();
      return;
    }
    await ctx.answerCallbackQuery();
    if (action.kind === 'submit') {
      const count = (ctx.callbackQuery.message?.reply_markup?.inline_keyboard.flat() ?? []).filter(
        (button) => 'callback_data' in button && button.callback_data?.startsWith('t:'),
      ).length;
      const numbers = maskNumbers(action.mask, count);
      if (numbers.length === 0) {
        await ctx.reply('Tick at least one option, then press Done.');
        return;
      }
      await answer(ctx, { text: numbers.join(',') });
      return;
    }
    await answer(ctx, { text: action.text });
  });

  bot.catch((error) => {
    onError(error.error);
    void error.ctx
      .reply('Sorry, something went wrong on my side. Please try again.')
      .catch(onError);
  });

  return bot;
}
