import type { ReplyChoice } from './types.ts';

/** A keyboard of a host's reply, as the middleware remembers it until a button is pressed. */
export interface OfferedKeyboard {
  /** The session's step when it was sent (see `sessionStepTag`). */
  stepTag: string;
  choices: readonly ReplyChoice[];
  multiple: boolean;
}

/** The keyboards offered lately, by tag; the least recently used are forgotten first. */
export interface OfferedKeyboards {
  remember(tag: string, keyboard: OfferedKeyboard): void;
  /** The keyboard of this tag, or `undefined` when it was never offered or is forgotten. */
  recall(tag: string): OfferedKeyboard | undefined;
  readonly size: number;
}

/**
 * Creates an {@link OfferedKeyboards} holding at most `limit` keyboards, in this process's
 * memory: what buttons whose data cannot carry their value (multi-selects, long values)
 * need to be read back.
 *
 * @example
 * ```ts
 * const offered = createOfferedKeyboards(1000);
 * offered.remember(tag, { stepTag, choices, multiple: true });
 * offered.recall(tag)?.choices[2]?.value;
 * ```
 */
export function createOfferedKeyboards(limit = 10_000): OfferedKeyboards {
  const entries = new Map<string, OfferedKeyboard>();
  return {
    remember(tag, keyboard) {
      entries.delete(tag);
      entries.set(tag, keyboard);
      for (const oldest of entries.keys()) {
        if (entries.size <= limit) break;
        entries.delete(oldest);
      }
    },
    recall(tag) {
      const keyboard = entries.get(tag);
      if (keyboard !== undefined) {
        entries.delete(tag);
        entries.set(tag, keyboard);
      }
      return keyboard;
    },
    get size() {
      return entries.size;
    },
  };
}
