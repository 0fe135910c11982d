import { type HistoryOptions, type Runtime, SessionNotFoundError } from '@chatflow/runtime';
import type { RecordedAction } from './respondInStep.ts';
import type { ChatKey, Choice, Reply } from './types.ts';

/** The choices an assistant message offered, as its history entry keeps them. */
export interface OfferedChoices {
  choices: Choice[];
  multiple: boolean;
}

/**
 * What the bot keeps in the runtime's conversation history besides the words: the
 * choices each reply offered (so "2" or "rooms" is read against what the user saw,
 * even after a restart) and the workflow actions taken (so "what about rooms?" knows
 * what to repeat).
 */
export interface ChatHistory {
  /**
   * Adds the user's message. The adding calls take the id of the chat message the
   * entries belong to (`options.messageId`), so a message delivered again is kept once.
   */
  rememberUser(key: ChatKey, text: string, options?: HistoryOptions): Promise<void>;
  /** Adds the bot's replies, each with the choices it offered. */
  rememberReplies(key: ChatKey, replies: readonly Reply[], options?: HistoryOptions): Promise<void>;
  /** Adds a workflow action the user's message led to. */
  recordAction(key: ChatKey, action: RecordedAction, options?: HistoryOptions): Promise<void>;
  /** The choices of the bot's latest reply, when it offered some. */
  lastOffered(key: ChatKey): Promise<OfferedChoices | undefined>;
  /** The latest workflow action of the chat. */
  lastAction(key: ChatKey): Promise<RecordedAction | undefined>;
}

/**
 * Creates the {@link ChatHistory} of a runtime. Writing to a session that is gone (the
 * user was just forgotten) is skipped.
 *
 * @example
 * ```ts
 * const history = createChatHistory(runtime);
 * await history.rememberReplies(key, replies);
 * const offered = await history.lastOffered(key);
 * ```
 */
export function createChatHistory(runtime: Runtime): ChatHistory {
  const add = async (
    key: ChatKey,
    entry: Parameters<Runtime['addToHistory']>[1],
    options: HistoryOptions | undefined,
  ) => {
    try {
      await runtime.addToHistory(key, entry, options);
    } catch (error) {
      if (error instanceof SessionNotFoundError) return;
      throw error;
    }
  };
  return {
    rememberUser: (key, text, options) => add(key, { role: 'user', text }, options),
    async rememberReplies(key, replies, options) {
      for (const reply of replies) {
        const metadata: Record<string, unknown> = {};
        if (reply.choices && reply.choices.length > 0) {
          metadata.choices = { choices: reply.choices, multiple: reply.multiple === true };
        }
        if (reply.image) metadata.image = reply.image.name;
        if (reply.file) metadata.file = reply.file.name;
        await add(key, { role: 'assistant', text: reply.text, metadata }, options);
      }
    },
    recordAction: (key, action, options) =>
      add(
        key,
        { role: 'system', text: `action: ${action.workflow}`, metadata: { action } },
        options,
      ),
    async lastOffered(key) {
      const history = await runtime.getHistory(key, 12);
      const last = [...history].reverse().find((message) => message.role === 'assistant');
      const offered = last?.metadata?.choices as OfferedChoices | undefined;
      return offered && Array.isArray(offered.choices) ? offered : undefined;
    },
    async lastAction(key) {
      const history = await runtime.getHistory(key, 20);
      for (const message of [...history].reverse()) {
        const action = message.metadata?.action as RecordedAction | undefined;
        if (message.role === 'system' && action && typeof action.workflow === 'string') {
          return action;
        }
      }
      return undefined;
    },
  };
}
