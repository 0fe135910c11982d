import type { ChatKey } from './types.ts';

/** Runs the work of one chat one piece at a time, in arrival order; chats run in parallel. */
export interface ChatLine {
  /** Queues `task` behind the chat's queued work and resolves with its outcome. */
  run<T>(key: ChatKey, task: () => Promise<T>): Promise<T>;
  /** Resolves once the work queued for the chat so far has settled. */
  idle(key: ChatKey): Promise<void>;
}

/** A collision-free string for a chat key (user `1`, chat `2:3` is not user `1:2`, chat `3`). */
export function chatKeyString(key: ChatKey): string {
  return JSON.stringify([String(key.userId), key.conversationId]);
}

/**
 * Creates a {@link ChatLine}. A failing task does not stop the ones behind it; a chat
 * whose work has settled leaves nothing behind.
 *
 * @example
 * ```ts
 * const line = createChatLine();
 * const replies = await line.run(key, () => respond(key, message));
 * ```
 */
export function createChatLine(): ChatLine {
  const tails = new Map<string, Promise<void>>();
  return {
    run<T>(key: ChatKey, task: () => Promise<T>): Promise<T> {
      const id = chatKeyString(key);
      const result = (tails.get(id) ?? Promise.resolve()).then(task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(id, tail);
      void tail.then(() => {
        if (tails.get(id) === tail) tails.delete(id);
      });
      return result;
    },
    async idle(key: ChatKey): Promise<void> {
      const id = chatKeyString(key);
      for (let tail = tails.get(id); tail !== undefined; tail = tails.get(id)) {
        await tail;
        if (tails.get(id) === tail) return;
      }
    },
  };
}
