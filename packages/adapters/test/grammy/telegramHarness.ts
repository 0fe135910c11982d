import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Runtime } from '@chatflow/runtime';
import { Bot, InputFile } from 'grammy';
import type { Chat, Update, User, UserFromGetMe } from 'grammy/types';

/** The Arrow table type the runtime's `storeData` takes. */
export type Table = Parameters<Runtime['storeData']>[1];

interface ArrowModule {
  tableFromArrays(columns: Record<string, Float64Array | string[]>): Table;
}

/**
 * apache-arrow as the runtime loads it (the adapters package does not depend on it; the
 * host that parses uploads does). Same file, so the same classes as inside the runtime.
 */
export async function loadArrow(): Promise<ArrowModule> {
  const require = createRequire(import.meta.url);
  const runtimeEntry = require.resolve('@chatflow/runtime');
  const arrowEntry = createRequire(runtimeEntry).resolve('apache-arrow');
  const url = pathToFileURL(join(dirname(arrowEntry), 'Arrow.node.mjs')).href;
  return (await import(url)) as ArrowModule;
}

/** A small CSV reader for the tests' host: numeric columns become Float64Array. */
export function csvToColumns(text: string): Record<string, Float64Array | string[]> {
  const [header = '', ...lines] = text.trim().split('\n');
  const names = header.split(',');
  const rows = lines.map((line) => line.split(','));
  if (names.length < 1 || rows.some((row) => row.length !== names.length)) {
    throw new Error('every row needs one value per column');
  }
  return Object.fromEntries(
    names.map((name, index) => {
      const values = rows.map((row) => row[index] ?? '');
      const numeric = values.every((value) => value !== '' && Number.isFinite(Number(value)));
      return [name, numeric ? Float64Array.from(values, Number) : values];
    }),
  );
}

export const botInfo: UserFromGetMe = {
  id: 777000111,
  is_bot: true,
  first_name: 'Stats',
  username: 'chatflow_stats_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

export const ada: User = { id: 5010, is_bot: false, first_name: 'Ada', language_code: 'en' };
export const adaChat: Chat.PrivateChat = { id: 5010, type: 'private', first_name: 'Ada' };

/** One Bot API call the bot made. */
export interface ApiCall {
  method: string;
  payload: Record<string, unknown> & {
    chat_id?: number | string;
    text?: string;
    reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
  };
  /** The payload as the bot passed it (files are grammY `InputFile`s here). */
  raw: Record<string, unknown>;
}

/**
 * A real grammY bot whose Bot API calls are answered in process with realistic results
 * and recorded, so nothing reaches the network. `failNext(method)` makes the next call
 * of that method fail the way Telegram fails it (`ok: false`, 502 Bad Gateway), so
 * grammY throws a `GrammyError`; the failed call is recorded too.
 */
export function createTestBot(files: Map<string, Uint8Array> = new Map()) {
  const bot = new Bot('5000000001:AAH-test-token', { botInfo });
  const calls: ApiCall[] = [];
  const failing = new Set<string>();
  let nextMessageId = 900;
  const date = 1_767_225_600;
  bot.api.config.use(async (_previous, method, payload) => {
    // Files are recorded by name (an InputFile refuses to be serialized).
    const plain = Object.entries(payload ?? {}).map(([name, value]) => [
      name,
      value instanceof InputFile ? { filename: value.filename } : value,
    ]);
    const recorded = JSON.parse(JSON.stringify(Object.fromEntries(plain))) as ApiCall['payload'];
    calls.push({ method, payload: recorded, raw: { ...(payload as Record<string, unknown>) } });
    if (failing.delete(method)) {
      return { ok: false as const, error_code: 502, description: 'Bad Gateway' };
    }
    let result: unknown;
    switch (method) {
      case 'sendMessage':
        result = {
          message_id: ++nextMessageId,
          date,
          chat: { ...adaChat, id: recorded.chat_id },
          from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name },
          text: recorded.text,
          ...(recorded.reply_markup === undefined ? {} : { reply_markup: recorded.reply_markup }),
        };
        break;
      case 'sendPhoto':
        result = {
          message_id: ++nextMessageId,
          date,
          chat: { ...adaChat, id: recorded.chat_id },
          photo: [{ file_id: 'AgACAgQAAxk', file_unique_id: 'AQADs', width: 640, height: 400 }],
          ...(recorded.caption === undefined ? {} : { caption: recorded.caption }),
        };
        break;
      case 'sendDocument':
        result = {
          message_id: ++nextMessageId,
          date,
          chat: { ...adaChat, id: recorded.chat_id },
          document: { file_id: 'BQACAgQAAxk', file_unique_id: 'AgADd' },
          ...(recorded.caption === undefined ? {} : { caption: recorded.caption }),
        };
        break;
      case 'answerCallbackQuery':
        result = true;
        break;
      case 'editMessageReplyMarkup':
        result = {
          message_id: recorded.message_id,
          date,
          edit_date: date + 5,
          chat: { ...adaChat, id: recorded.chat_id },
          from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name },
          text: 'edited',
          ...(recorded.reply_markup === undefined ? {} : { reply_markup: recorded.reply_markup }),
        };
        break;
      case 'getFile': {
        const fileId = String(recorded.file_id);
        const path = `documents/${fileId}.csv`;
        result = {
          file_id: fileId,
          file_unique_id: `AgAD${fileId.slice(-6)}`,
          file_size: files.get(path)?.byteLength,
          file_path: path,
        };
        break;
      }
      default:
        throw new Error(`The test bot does not expect a ${method} call`);
    }
    return { ok: true as const, result: result as never };
  });
  return { bot, calls, failNext: (method: string) => void failing.add(method) };
}

let updateId = 410_000;
let messageId = 60;
const now = 1_767_225_600;

/** A private-chat text message; a leading `/command` gets its bot_command entity. */
export function textUpdate(text: string, from: User = ada, chat: Chat = adaChat): Update {
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return {
    update_id: ++updateId,
    message: {
      message_id: ++messageId,
      date: now,
      chat,
      from,
      text,
      ...(command === null
        ? {}
        : { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }),
    },
  } as Update;
}

/** A press on an inline button of one of the bot's messages. */
export function callbackUpdate(data: string, from: User = ada, chat: Chat = adaChat): Update {
  return {
    update_id: ++updateId,
    callback_query: {
      id: `${from.id}${++messageId}`,
      from,
      chat_instance: '-4183562211',
      data,
      message: {
        message_id: messageId,
        date: now,
        chat,
        from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name },
        text: 'a step',
      },
    },
  } as Update;
}

/** A message carrying a document. */
export function documentUpdate(
  fileName: string,
  fileId: string,
  size: number,
  from: User = ada,
  chat: Chat = adaChat,
): Update {
  return {
    update_id: ++updateId,
    message: {
      message_id: ++messageId,
      date: now,
      chat,
      from,
      document: {
        file_name: fileName,
        mime_type: 'text/csv',
        file_id: fileId,
        file_unique_id: `AgAD${fileId.slice(-6)}`,
        file_size: size,
      },
    },
  } as Update;
}

/** The buttons of a recorded call's inline keyboard, as [text, callback_data] pairs. */
export function buttonsOf(call: ApiCall | undefined): [string, string][] {
  return (call?.payload.reply_markup?.inline_keyboard ?? [])
    .flat()
    .map((button) => [button.text, button.callback_data]);
}

/** The callback data of the button with this text. */
export function buttonData(call: ApiCall | undefined, text: string): string {
  const found = buttonsOf(call).find(([label]) => label === text);
  if (found === undefined)
    throw new Error(`No button "${text}" in ${JSON.stringify(buttonsOf(call))}`);
  return found[1];
}
