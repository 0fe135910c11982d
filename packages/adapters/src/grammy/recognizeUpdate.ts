import type { Context } from 'grammy';
import type { Document } from 'grammy/types';
import { type CallbackAction, decodeCallbackData } from './callbackData.ts';

/** The commands the middleware always answers. */
export const builtinCommands = ['start', 'help', 'status', 'cancel', 'back', 'forget'] as const;

/** The commands the middleware answers when a host writes the replies (`respond`). */
export const hostModeCommands = ['status', 'cancel', 'forget', 'help'] as const;

/** What an update asks of the middleware, once recognized. */
export type Intent =
  | { kind: 'command'; name: string; payload: string }
  | { kind: 'text'; text: string }
  | { kind: 'callback'; action: CallbackAction }
  | { kind: 'document'; document: Document };

/**
 * Recognizes the updates the middleware answers: one of `commands` (addressed to no bot
 * or to this one), other text, a press on one of its own buttons, a document. Anything
 * else (other buttons' data, photos, edits, commands addressed to another bot) is
 * `undefined`, for the next middleware; so are other commands, unless `otherCommands`
 * is `'text'` (then they are text).
 *
 * @example
 * ```ts
 * recognizeUpdate(ctx, new Set(['start', 'help'])); // { kind: 'command', name: 'start', payload: '' }
 * ```
 */
export function recognizeUpdate(
  ctx: Context,
  commands: ReadonlySet<string>,
  otherCommands: 'pass' | 'text' = 'pass',
): Intent | undefined {
  const data = ctx.callbackQuery?.data;
  if (data !== undefined) {
    const action = decodeCallbackData(data);
    return action === undefined ? undefined : { kind: 'callback', action };
  }
  const message = ctx.message;
  if (message === undefined) return undefined;
  if (message.document !== undefined) return { kind: 'document', document: message.document };
  const text = message.text;
  if (text === undefined) return undefined;
  const entity = message.entities?.[0];
  if (entity?.type === 'bot_command' && entity.offset === 0) {
    const [name = '', mention] = text.slice(1, entity.length).split('@');
    if (mention !== undefined && mention.toLowerCase() !== ctx.me.username.toLowerCase()) {
      return undefined;
    }
    const command = name.toLowerCase();
    if (!commands.has(command))
      return otherCommands === 'text' ? { kind: 'text', text } : undefined;
    return { kind: 'command', name: command, payload: text.slice(entity.length).trim() };
  }
  return { kind: 'text', text };
}
