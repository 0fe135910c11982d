import { normalizeSessionKey, sessionStorageKey } from './keys.ts';
import type { RuntimeCore } from './runtimeCore.ts';
import { retry } from './sessionAccess.ts';
import type { HistoryMessage, HistoryMessageInput, SessionKey } from './types.ts';

const historyRoles = new Set(['user', 'assistant', 'system']);

/**
 * The history operations of a runtime: `addToHistory` (a sliding window of
 * `maxHistoryMessages`, persisted in the session record) and `getHistory`.
 *
 * @example
 * ```ts
 * const { addToHistory } = createHistoryOperations(core);
 * await addToHistory(key, { role: 'user', text: '/train' });
 * ```
 */
export function createHistoryOperations(core: RuntimeCore) {
  const { config, lines, now, sessions, touched } = core;

  async function addToHistory(input: SessionKey, message: HistoryMessageInput) {
    const key = normalizeSessionKey(input);
    if (
      typeof message !== 'object' ||
      message === null ||
      !historyRoles.has(message.role) ||
      typeof message.text !== 'string' ||
      (message.metadata !== undefined &&
        (typeof message.metadata !== 'object' || message.metadata === null))
    ) {
      throw new TypeError(
        'addToHistory takes { role: "user" | "assistant" | "system", text: string, metadata?: object }.',
      );
    }
    const entry: HistoryMessage = { role: message.role, text: message.text, at: now() };
    if (message.metadata !== undefined) entry.metadata = structuredClone(message.metadata);
    const storageKey = sessionStorageKey(key);
    await lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        const history = [...session.record.history, entry].slice(-config.maxHistoryMessages);
        return (await sessions.write(session, { ...touched(session.record), history }))
          ? undefined
          : retry;
      }),
    );
  }

  async function getHistory(input: SessionKey, n = 5): Promise<HistoryMessage[]> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const { record } = await sessions.requireActive(storageKey, key);
      const count = Math.max(0, Math.floor(n));
      return count === 0 ? [] : structuredClone(record.history.slice(-count));
    });
  }

  return { addToHistory, getHistory };
}
