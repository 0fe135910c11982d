import type { WorkflowDefinition } from '@chatflow/machines';
import { ChatflowError, type Runtime, type SessionKey, type SessionView } from '@chatflow/runtime';
import type { Api, Context } from 'grammy';
import type { Document } from 'grammy/types';
import {
  type CallbackAction,
  isMaskWithin,
  maskIndexes,
  maxMultiSelectOptions,
} from './callbackData.ts';
import { clipText } from './describeStep.ts';
import { createOfferedKeyboards } from './offeredKeyboards.ts';
import type { Intent } from './recognizeUpdate.ts';
import { replyKeyboard, replyKeyboardTag, sessionStepTag } from './replyKeyboard.ts';
import { sendReplies } from './sendReplies.ts';
import type { ChatflowTexts, FileDownloader, HostMessage, Reply, RespondFn } from './types.ts';

/** What {@link createHostConversation} works with. */
export interface HostConversationOptions<C extends Context> {
  runtime: Runtime;
  workflows: Record<string, WorkflowDefinition>;
  /** The host; without it only {@link HostConversation.send} is of use. */
  respond: RespondFn<C> | undefined;
  texts: ChatflowTexts;
  /** Every command the bot lists, for `/help`. */
  commands: readonly { command: string; description: string }[];
  download: FileDownloader<C>;
  maxFileBytes: number;
  history: boolean;
  formatText: (text: string) => readonly string[];
  parseMode: 'HTML' | 'MarkdownV2' | 'Markdown' | undefined;
}

/** A conversation whose replies a host writes, in the middleware's hands. */
export interface HostConversation<C extends Context> {
  /** Answers one recognized update (the caller runs it in the chat's line). */
  handle(ctx: C, key: SessionKey, intent: Intent): Promise<void>;
  /** Renders and sends replies to a chat, their buttons tied to the session's step. */
  send(
    api: Api,
    chatId: number | string,
    key: SessionKey,
    replies: readonly Reply[],
  ): Promise<void>;
}

const isCode = (error: unknown, code: string) =>
  error instanceof ChatflowError && error.code === code;

/** The session notice at the head of the first reply. */
function withNotice(notice: string | undefined, replies: readonly Reply[]): readonly Reply[] {
  if (notice === undefined) return replies;
  const [first, ...rest] = replies;
  if (first === undefined) return [{ text: notice }];
  return [{ ...first, text: `${notice}\n\n${first.text}` }, ...rest];
}

/** What the user's message was, for the history. */
function describeMessage(message: HostMessage): string {
  if ('text' in message) return message.text;
  if ('file' in message) return `[file ${message.file.name}]`;
  if ('choice' in message) return message.choice;
  return message.choices.join(', ');
}

/**
 * The middleware's side of a conversation a host owns (its `respond` option): the
 * session notice, its own commands, document download, button presses read back into
 * values (stale ones refused, multi-selects toggled in place), and the host's replies
 * rendered with their keyboards.
 *
 * @example
 * ```ts
 * const host = createHostConversation({ runtime, workflows, respond, texts: defaultTexts, ... });
 * await queue.run(key.conversationId, () => host.handle(ctx, key, intent));
 * ```
 */
export function createHostConversation<C extends Context>(
  options: HostConversationOptions<C>,
): HostConversation<C> {
  const { runtime, workflows, texts } = options;
  const offered = createOfferedKeyboards();
  const labelOf = (type: string) =>
    Object.hasOwn(workflows, type) ? (workflows[type]?.label ?? type) : type;

  /** Records an entry; `messageId` is the update it belongs to (none for a push). */
  async function record(
    key: SessionKey,
    role: 'user' | 'assistant',
    text: string,
    messageId: number | undefined,
  ) {
    if (!options.history) return;
    try {
      await runtime.addToHistory(key, { role, text }, messageId === undefined ? {} : { messageId });
    } catch (error) {
      // The user was just forgotten: nothing to record the reply in.
      if (!isCode(error, 'SESSION_NOT_FOUND')) throw error;
    }
  }

  async function send(
    api: Api,
    chatId: number | string,
    key: SessionKey,
    replies: readonly Reply[],
    messageId?: number,
  ) {
    // The step the buttons belong to, read after the host took its step; replies
    // without buttons need none, and then the session is not read at all.
    const hasButtons = replies.some((reply) => (reply.choices?.length ?? 0) > 0);
    const step = hasButtons ? sessionStepTag(await runtime.getSession(key)) : '';
    await sendReplies(api, chatId, replies, {
      formatText: options.formatText,
      ...(options.parseMode === undefined ? {} : { parseMode: options.parseMode }),
      keyboardOf(reply) {
        const choices = reply.choices ?? [];
        if (choices.length === 0) return undefined;
        const multiple = reply.multiple === true;
        const tag = replyKeyboardTag(step, choices, multiple);
        offered.remember(tag, { stepTag: step, choices, multiple });
        return replyKeyboard({ choices, multiple, step, tag, doneLabel: texts.doneLabel });
      },
    });
    for (const reply of replies) await record(key, 'assistant', reply.text, messageId);
  }

  async function ask(ctx: C, key: SessionKey, session: SessionView, message: HostMessage) {
    const respond = options.respond;
    if (respond === undefined) return [];
    await record(key, 'user', describeMessage(message), ctx.update.update_id);
    return respond({ ctx, key, session, runtime, message, messageId: ctx.update.update_id });
  }

  async function command(ctx: C, key: SessionKey, session: SessionView, name: string) {
    switch (name) {
      case 'status': {
        const label = session.workflow === null ? undefined : labelOf(session.workflow.type);
        return [{ text: texts.status(session, label) }];
      }
      case 'cancel': {
        const cancelled = await runtime.cancelWorkflow(key, {
          messageId: ctx.update.update_id,
        });
        const text =
          cancelled.cancelled && cancelled.workflow !== null
            ? texts.cancelled(labelOf(cancelled.workflow))
            : texts.nothingToCancel;
        return [{ text }];
      }
      case 'forget':
        return [{ text: texts.forgotten(await runtime.forgetUser(key.userId)) }];
      default:
        return [{ text: texts.help(options.commands) }];
    }
  }

  async function upload(ctx: C, key: SessionKey, session: SessionView, document: Document) {
    const name = document.file_name ?? 'document';
    const size = document.file_size;
    if (size !== undefined && size > options.maxFileBytes) {
      return [{ text: texts.fileTooLarge(options.maxFileBytes, { name, size }) }];
    }
    let bytes: Uint8Array;
    try {
      bytes = await options.download({
        ctx,
        fileId: document.file_id,
        maxBytes: options.maxFileBytes,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return [{ text: texts.fileUnreadable(name, clipText(reason, 300)) }];
    }
    return ask(ctx, key, session, {
      file: { name, mimeType: document.mime_type, bytes },
    });
  }

  async function press(ctx: C, key: SessionKey, session: SessionView, action: CallbackAction) {
    const refuse = async (text: string) => {
      await ctx.answerCallbackQuery({ text });
      return [];
    };
    const pick = async (message: HostMessage) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return ask(ctx, key, session, message);
    };
    const step = sessionStepTag(session);
    if (action.kind === 'value') {
      return action.tag === step ? pick({ choice: action.value }) : refuse(texts.staleButton);
    }
    if (action.kind !== 'choice' && action.kind !== 'toggle' && action.kind !== 'submit') {
      return refuse(texts.staleButton);
    }
    const keyboard = offered.recall(action.tag);
    if (keyboard === undefined) return refuse(texts.expiredButton);
    if (keyboard.stepTag !== step) return refuse(texts.staleButton);
    if (action.kind === 'choice') {
      const choice = keyboard.multiple ? undefined : keyboard.choices[action.index];
      return choice === undefined ? refuse(texts.staleButton) : pick({ choice: choice.value });
    }
    const count = Math.min(keyboard.choices.length, maxMultiSelectOptions);
    if (!keyboard.multiple || !isMaskWithin(action.mask, count)) return refuse(texts.staleButton);
    if (action.kind === 'toggle') {
      if (action.index >= count) return refuse(texts.staleButton);
      await ctx.answerCallbackQuery();
      const markup = replyKeyboard({
        choices: keyboard.choices,
        multiple: true,
        step,
        tag: action.tag,
        mask: action.mask ^ (1n << BigInt(action.index)),
        doneLabel: texts.doneLabel,
      });
      await ctx.editMessageReplyMarkup(markup === undefined ? {} : { reply_markup: markup });
      return [];
    }
    const values = maskIndexes(action.mask, count).map(
      (index) => keyboard.choices[index]?.value ?? '',
    );
    return values.length === 0 ? refuse(texts.nothingPicked) : pick({ choices: values });
  }

  async function handle(ctx: C, key: SessionKey, intent: Intent) {
    let notice: string | undefined;
    const deliver = async (replies: readonly Reply[]) => {
      const all = withNotice(notice, replies);
      notice = undefined;
      const chatId = ctx.chat?.id;
      if (chatId !== undefined && all.length > 0) {
        await send(ctx.api, chatId, key, all, ctx.update.update_id);
      }
    };
    try {
      const session = await runtime.getOrCreateSession(key);
      notice = session.recovered
        ? texts.recovered
        : session.reset === undefined
          ? undefined
          : texts.reset[session.reset];
      let replies: readonly Reply[];
      switch (intent.kind) {
        case 'command':
          // After /forget the session is gone: no notice about it.
          if (intent.name === 'forget') notice = undefined;
          replies = await command(ctx, key, session, intent.name);
          break;
        case 'text':
          replies = await ask(ctx, key, session, { text: intent.text });
          break;
        case 'document':
          replies = await upload(ctx, key, session, intent.document);
          break;
        case 'callback':
          replies = await press(ctx, key, session, intent.action);
          break;
      }
      await deliver(replies);
    } catch (error) {
      if (isCode(error, 'WORKFLOW_INTERRUPTED')) return deliver([{ text: texts.interrupted }]);
      if (isCode(error, 'DATA_TOO_LARGE')) return deliver([{ text: (error as Error).message }]);
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery().catch(() => undefined);
      await deliver([{ text: texts.failure }]).catch(() => undefined);
      throw error;
    }
  }

  return { handle, send };
}
