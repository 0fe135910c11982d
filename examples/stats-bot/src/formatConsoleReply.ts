import type { Reply } from './types.ts';

/** The widest line of numbered choices before it wraps. */
const lineWidth = 96;

/**
 * Lays out numbered choices as the console shows them: `1) price  2) rooms  3) area`,
 * wrapped at 96 characters.
 *
 * @example
 * ```ts
 * formatChoices([{ label: 'price', value: 'price' }, { label: 'rooms', value: 'rooms' }]);
 * // '1) price  2) rooms'
 * ```
 */
export function formatChoices(choices: Reply['choices']): string {
  const lines: string[] = [];
  let line = '';
  for (const [index, choice] of (choices ?? []).entries()) {
    const item = `${index + 1}) ${choice.label}`;
    if (line !== '' && line.length + 2 + item.length > lineWidth) {
      lines.push(line);
      line = item;
    } else {
      line = line === '' ? item : `${line}  ${item}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/**
 * Turns one reply into console text: the message, its choices as numbers (with a hint
 * on picking several), and where its picture or file was saved.
 *
 * @param reply - the bot's reply
 * @param saved - where the console saved the reply's image and file, when it has them
 * @example
 * ```ts
 * formatConsoleReply({ text: 'Pick the target.', choices }, {});
 * ```
 */
export function formatConsoleReply(
  reply: Reply,
  saved: { image?: string; file?: string } = {},
): string {
  const parts = [reply.text];
  if (reply.choices && reply.choices.length > 0) {
    parts.push(formatChoices(reply.choices));
    if (reply.multiple) {
      parts.push('(type a number or a name; several with commas, e.g. "1,3"; or "all")');
    }
  }
  if (saved.image) parts.push(`[picture saved to ${saved.image}]`);
  if (saved.file) parts.push(`[file saved to ${saved.file}]`);
  return parts.join('\n');
}
