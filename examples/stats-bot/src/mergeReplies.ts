import type { Reply } from './types.ts';

/**
 * Folds text-only replies into the reply that follows them, so a note ("Using
 * houses.csv") and the step it leads to arrive as one message. Replies with choices, a
 * picture or a file end a group.
 *
 * @example
 * ```ts
 * mergeReplies([{ text: 'Using houses.csv.' }, { text: 'Which target?', choices }]);
 * // [{ text: 'Using houses.csv.\nWhich target?', choices }]
 * ```
 */
export function mergeReplies(replies: readonly Reply[]): Reply[] {
  const merged: Reply[] = [];
  let pending: string[] = [];
  for (const reply of replies) {
    const plain = !reply.choices?.length && !reply.image && !reply.file;
    if (plain) {
      pending.push(reply.text);
      continue;
    }
    merged.push(
      pending.length > 0 ? { ...reply, text: [...pending, reply.text].join('\n') } : reply,
    );
    pending = [];
  }
  if (pending.length > 0) merged.push({ text: pending.join('\n') });
  return merged;
}
