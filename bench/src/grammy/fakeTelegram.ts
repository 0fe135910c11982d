/**
 * A Telegram Bot API that answers in process: the bot's identity, a `fetch` that
 * replies to every API call without a network (passed as grammY's `client.fetch`, the
 * one place that also sees the calls made inside conversations), and the updates a
 * user's messages arrive as.
 */
import type { Update, UserFromGetMe } from 'grammy/types';

/** The bot's own identity, so `bot.init()` needs no `getMe` call. */
export const botInfo: UserFromGetMe = {
  id: 1_000_001,
  is_bot: true,
  first_name: 'Bench',
  username: 'chatflow_bench_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** A fake Bot API endpoint and the count of calls it answered, by method. */
export interface FakeTelegram {
  fetch: typeof fetch;
  calls: Map<string, number>;
  /** Calls `listener` with the chat and text of every `sendMessage`; returns the unsubscribe. */
  onMessage(listener: (chatId: number, text: string) => void): () => void;
  /** Total API calls answered. */
  total(): number;
}

/**
 * Creates a `fetch` that answers every Bot API method: `sendMessage` with a message,
 * `getFile` with a file path, anything else with `true`.
 *
 * @example
 * ```ts
 * const telegram = fakeTelegram();
 * const bot = new Bot('0:bench', { botInfo, client: { fetch: telegram.fetch } });
 * ```
 */
export function fakeTelegram(): FakeTelegram {
  const calls = new Map<string, number>();
  const listeners = new Set<(chatId: number, text: string) => void>();
  let messageId = 1;
  const fakeFetch = async (input: unknown, init?: { body?: unknown }): Promise<Response> => {
    const url = String(input);
    const method = url.slice(url.lastIndexOf('/') + 1);
    calls.set(method, (calls.get(method) ?? 0) + 1);
    const payload =
      typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    let result: unknown = true;
    if (method === 'sendMessage') {
      for (const listener of listeners) listener(Number(payload.chat_id), String(payload.text));
      result = {
        message_id: messageId++,
        date: 1_700_000_000,
        chat: { id: payload.chat_id, type: 'private', first_name: 'User' },
        from: botInfo,
        text: payload.text,
      };
    } else if (method === 'getFile') {
      result = { file_id: payload.file_id, file_unique_id: 'u', file_path: 'documents/data.csv' };
    }
    const body = { ok: true, result };
    return { ok: true, status: 200, json: async () => body } as unknown as Response;
  };
  return {
    fetch: fakeFetch as unknown as typeof fetch,
    calls,
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    total: () => {
      let sum = 0;
      for (const count of calls.values()) sum += count;
      return sum;
    },
  };
}

let nextUpdateId = 1;

/** A private-chat text message from user `chatId` (a command when it starts with `/`). */
export function textUpdate(chatId: number, text: string): Update {
  const command = text.startsWith('/') ? text.split(/\s/, 1)[0] : undefined;
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextUpdateId,
      date: 1_700_000_000,
      chat: { id: chatId, type: 'private', first_name: 'User' },
      from: { id: chatId, is_bot: false, first_name: 'User' },
      text,
      ...(command
        ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] }
        : {}),
    },
  };
}

/** A private-chat message carrying a CSV document. */
export function documentUpdate(chatId: number, fileName: string): Update {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextUpdateId,
      date: 1_700_000_000,
      chat: { id: chatId, type: 'private', first_name: 'User' },
      from: { id: chatId, is_bot: false, first_name: 'User' },
      document: {
        file_id: `file-${chatId}`,
        file_unique_id: `unique-${chatId}`,
        file_name: fileName,
        mime_type: 'text/csv',
        file_size: 1024,
      },
    },
  };
}
