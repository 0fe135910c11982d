/** Telegram's longest message text, in characters. */
export const maxMessageLength = 4096;

/** Telegram's longest caption of a photo or document, in characters. */
export const maxCaptionLength = 1024;

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const ruleLine = /^\s*-{2,}(\s+-{2,})*\s*$/;

/**
 * Turns the bot's plain text into Telegram HTML: special characters escaped, and every
 * aligned table (a paragraph with a `----  ----` rule under its header) set in a
 * monospaced `<pre>` block so its columns stay aligned. Texts longer than Telegram's
 * limit are split between paragraphs (or lines), each part well-formed on its own.
 *
 * @example
 * ```ts
 * formatTelegramText('Scores:\n\nterm  coef\n----  ----\narea  1.5');
 * // ['Scores:\n\n<pre>term  coef\n----  ----\narea  1.5</pre>']
 * ```
 */
export function formatTelegramText(text: string, limit = maxMessageLength): string[] {
  const paragraphs = text.split(/\n{2,}/).map((paragraph) => {
    const escaped = escapeHtml(paragraph);
    return paragraph.split('\n').some((line) => ruleLine.test(line))
      ? `<pre>${escaped}</pre>`
      : escaped;
  });
  const parts: string[] = [];
  let current = '';
  const push = (piece: string): void => {
    const joined = current === '' ? piece : `${current}\n\n${piece}`;
    if (joined.length <= limit) {
      current = joined;
      return;
    }
    if (current !== '') parts.push(current);
    current = piece;
    while (current.length > limit) {
      const isPre = current.startsWith('<pre>');
      const inner = isPre ? current.slice(5, -6) : current;
      const room = limit - (isPre ? 11 : 0);
      const cut = inner.lastIndexOf('\n', room) > 0 ? inner.lastIndexOf('\n', room) : room;
      const head = inner.slice(0, cut);
      const tail = inner.slice(cut).replace(/^\n/, '');
      parts.push(isPre ? `<pre>${head}</pre>` : head);
      current = isPre ? `<pre>${tail}</pre>` : tail;
    }
  };
  for (const paragraph of paragraphs) push(paragraph);
  if (current !== '') parts.push(current);
  return parts.length > 0 ? parts : [''];
}
