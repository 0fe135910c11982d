import { maxMessageLength } from './describeStep.ts';

/**
 * Splits a plain text into messages of at most `limit` characters, between paragraphs
 * where it can, else between lines, else anywhere. A text that fits is one message; an
 * empty text is none.
 *
 * @example
 * ```ts
 * splitText('a'.repeat(3000) + '\n\n' + 'b'.repeat(3000)); // two messages
 * ```
 */
export function splitText(text: string, limit = maxMessageLength): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const paragraph = window.lastIndexOf('\n\n');
    const line = window.lastIndexOf('\n');
    const cut = paragraph > 0 ? paragraph : line > 0 ? line : limit;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}
