import { type Api, type InlineKeyboard, InputFile } from 'grammy';
import type { Reply } from './types.ts';

/** Telegram's longest caption of a photo or document, in characters. */
export const maxCaptionLength = 1024;

/** How {@link sendReplies} renders replies. */
export interface ReplyRendering {
  /** The messages of a reply's text (each within Telegram's limit). */
  formatText(text: string): readonly string[];
  parseMode?: 'HTML' | 'MarkdownV2' | 'Markdown';
  /** The inline keyboard of a reply, if it has one. */
  keyboardOf(reply: Reply): InlineKeyboard | undefined;
}

/**
 * Sends replies to a chat, one after the other: the text (split into several messages
 * when long), a picture as a photo and a file as a document, the text as the first
 * attachment's caption when it fits in one caption. The keyboard goes on the reply's last
 * message. A reply with neither text nor attachment sends nothing.
 *
 * @example
 * ```ts
 * await sendReplies(bot.api, chatId, [{ text: 'Pick one', choices }], rendering);
 * ```
 */
export async function sendReplies(
  api: Api,
  chatId: number | string,
  replies: readonly Reply[],
  rendering: ReplyRendering,
): Promise<void> {
  const parseMode = rendering.parseMode === undefined ? {} : { parse_mode: rendering.parseMode };
  for (const reply of replies) {
    const parts = reply.text.trim() === '' ? [] : rendering.formatText(reply.text);
    const keyboard = rendering.keyboardOf(reply);
    const attachments = [
      ...(reply.image === undefined ? [] : [{ kind: 'photo' as const, ...reply.image }]),
      ...(reply.file === undefined ? [] : [{ kind: 'document' as const, ...reply.file }]),
    ];
    const caption =
      attachments.length > 0 && parts.length === 1 && (parts[0] ?? '').length <= maxCaptionLength
        ? parts[0]
        : undefined;
    const texts = caption === undefined ? parts : [];
    const last = texts.length + attachments.length - 1;
    const markup = (index: number) =>
      index === last && keyboard !== undefined ? { reply_markup: keyboard } : {};
    for (const [index, text] of texts.entries()) {
      await api.sendMessage(chatId, text, { ...parseMode, ...markup(index) });
    }
    for (const [offset, attachment] of attachments.entries()) {
      const file = new InputFile(attachment.bytes, attachment.name);
      const extra = {
        ...(offset === 0 && caption !== undefined ? { caption, ...parseMode } : {}),
        ...markup(texts.length + offset),
      };
      if (attachment.kind === 'photo') await api.sendPhoto(chatId, file, extra);
      else await api.sendDocument(chatId, file, extra);
    }
  }
}
