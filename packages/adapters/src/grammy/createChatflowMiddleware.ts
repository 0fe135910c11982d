import type { DatasetInfo } from '@chatflow/machines';
import {
  ChatflowError,
  createKeyedQueue,
  type SessionKey,
  type SessionView,
  type StepResult,
  type WorkflowView,
} from '@chatflow/runtime';
import type { Context, InlineKeyboard, MiddlewareFn } from 'grammy';
import type { Document } from 'grammy/types';
import { type CallbackAction, isMaskWithin, maskIndexes } from './callbackData.ts';
import { createHostConversation } from './createHostConversation.ts';
import { defaultStepControls } from './defaultStepControls.ts';
import { defaultTexts } from './defaultTexts.ts';
import { clipText, describeStep } from './describeStep.ts';
import { downloadTelegramFile } from './downloadTelegramFile.ts';
import { readStepText } from './readStepText.ts';
import {
  builtinCommands,
  hostModeCommands,
  type Intent,
  recognizeUpdate,
} from './recognizeUpdate.ts';
import { splitText } from './splitText.ts';
import { acceptedEvents, stepKeyboard, tagOfStep, workflowMenu } from './stepKeyboard.ts';
import type {
  ChatflowMiddleware,
  ChatflowMiddlewareOptions,
  Reply,
  StepSource,
  WorkflowEventObject,
} from './types.ts';

const defaultWorkflowCommands: Record<string, string> = {
  train: 'ml_training',
  predict: 'ml_prediction',
  analyze: 'stats_analysis',
  explore: 'data_exploration',
};

function defaultSessionKey(ctx: Context): SessionKey | undefined {
  if (ctx.from === undefined || ctx.chat === undefined) return undefined;
  return { userId: ctx.from.id, conversationId: String(ctx.chat.id) };
}

function defaultChatOf(key: SessionKey): number | undefined {
  return /^-?\d{1,20}$/.test(key.conversationId) ? Number(key.conversationId) : undefined;
}

const isCode = (error: unknown, code: string) =>
  error instanceof ChatflowError && error.code === code;

const viewOf = (result: StepResult & { ok: true }): WorkflowView => ({
  type: result.workflow,
  state: result.state,
  prompt: result.prompt,
  done: result.done,
  context: result.context,
});

/**
 * A grammY middleware that runs chatflow workflows in Telegram chats. Each update gets
 * its session (by chat and user) through `runtime.getOrCreateSession`, which also
 * recovers an expired one within its grace period (the user is told). Then:
 *
 * - `/start`, `/help`, `/status`, `/cancel`, `/back`, `/forget` (erases everything the
 *   runtime holds about the user) and one command per workflow (`/train`, ...);
 * - text is read as a workflow event (the `translate` option, then the step's
 *   controls), and each step is answered with its prompt and an inline keyboard (choices,
 *   multi-selects, back and cancel); a refused step is answered with the workflow's
 *   refusal message;
 * - button presses carry compact callback data tied to their step, so a button of an
 *   earlier step is refused instead of being applied to the current one;
 * - documents are fetched (`downloadFile`) and handed to the host's `onDocument`, which
 *   stores them with `runtime.storeData`; the data set then goes to the workflow.
 *
 * Each step, and `/cancel`, carries its update's `update_id` as the runtime's
 * `messageId`, so an update Telegram delivers again (a webhook retried after the first
 * delivery failed) is not applied twice: it is answered with the current step, and a
 * redelivered `/cancel` never stops a workflow started after it.
 *
 * The updates of a chat are handled one at a time and their replies leave in order.
 * Steps the runtime takes without a message (training finished) are sent to the chat
 * with `api.sendMessage`, after any reply in progress.
 *
 * With the `respond` option a host writes the replies instead (text, choices, pictures,
 * files; see {@link Reply}): text, documents and button presses go to it, and
 * `chatflow.push(key, replies)` sends what nobody asked for through the same per-chat
 * line. The middleware keeps the sessions, the order, its commands, the buttons and the
 * downloads.
 *
 * @example
 * ```ts
 * import { Bot } from 'grammy';
 * import { workflows } from '@chatflow/machines';
 * import { createChatflowMiddleware } from '@chatflow/adapters/grammy';
 *
 * const bot = new Bot(process.env.BOT_TOKEN!);
 * const chatflow = createChatflowMiddleware({
 *   runtime,
 *   workflows,
 *   api: bot.api,
 *   onDocument: async ({ runtime, key, file }) =>
 *     runtime.storeData(key, parseCsv(file.bytes), { name: file.name }),
 * });
 * bot.use(chatflow);
 * await bot.api.setMyCommands(chatflow.commands);
 * bot.start();
 * ```
 */
export function createChatflowMiddleware<C extends Context = Context>(
  options: ChatflowMiddlewareOptions<C>,
): ChatflowMiddleware<C> {
  const { runtime, workflows } = options;
  const texts = { ...defaultTexts, ...options.texts };
  const controlsOf = options.controls ?? defaultStepControls;
  const describe = options.describe ?? describeStep;
  const sessionKeyOf = options.sessionKey ?? defaultSessionKey;
  const chatOf = options.chatOf ?? defaultChatOf;
  const download = options.downloadFile ?? downloadTelegramFile;
  const maxFileBytes = options.maxFileBytes ?? 20 * 2 ** 20;
  const reuseData = options.reuseData ?? true;
  const onPushError =
    options.onPushError ??
    ((error: unknown, key: SessionKey) =>
      console.error(`chatflow: could not send a message to chat ${key.conversationId}`, error));
  const workflowCommands = Object.fromEntries(
    Object.entries(options.workflowCommands ?? defaultWorkflowCommands).filter(([, type]) =>
      Object.hasOwn(workflows, type),
    ),
  );
  const labelOf = (type: string) =>
    Object.hasOwn(workflows, type) ? (workflows[type]?.label ?? type) : type;
  const queue = createKeyedQueue();
  const hostMode = options.respond !== undefined;
  // Built once: the catalogue does not change, and grammY only reads a keyboard it sends.
  const menu = workflowMenu(workflows);

  const builtinDescriptions: Record<string, string> = {
    start: 'choose what to do',
    status: 'where am I?',
    back: 'go back one step',
    cancel: 'stop the current job',
    forget: 'delete everything about me',
    help: 'how this works',
  };
  const describeCommand = (command: string) => ({
    command,
    description: builtinDescriptions[command] ?? command,
  });
  const hostCommands = options.hostCommands ?? [];
  const ownCommands: readonly string[] = hostMode
    ? hostModeCommands.filter((name) => !hostCommands.some((host) => host.command === name))
    : [...builtinCommands, ...Object.keys(workflowCommands)];
  const commandNames = new Set(ownCommands);
  const commands = hostMode
    ? [
        ...hostCommands.map(({ command, description }) => ({ command, description })),
        ...ownCommands.map(describeCommand),
      ]
    : [
        describeCommand('start'),
        ...Object.entries(workflowCommands).map(([command, type]) => ({
          command,
          description: labelOf(type).toLowerCase(),
        })),
        ...['status', 'back', 'cancel', 'forget', 'help'].map(describeCommand),
      ];
  const host = createHostConversation<C>({
    runtime,
    workflows,
    respond: options.respond,
    texts,
    commands,
    download,
    maxFileBytes,
    history: options.history ?? false,
    formatText: options.formatText ?? ((text) => splitText(text)),
    parseMode: options.parseMode,
  });

  /** The message and keyboard of a workflow step. */
  function renderStep(sessionId: string, workflow: WorkflowView, source: StepSource) {
    const text = describe(workflow, source);
    if (workflow.done) return { text, keyboard: menu };
    const controls = controlsOf(workflow);
    const keyboard = stepKeyboard({
      tag: tagOfStep(sessionId, workflow, controls),
      controls,
      accepted: acceptedEvents(workflows, workflow),
      backLabel: texts.backLabel,
      cancelLabel: texts.cancelLabel,
    });
    return { text, keyboard };
  }

  /**
   * Replies of one update: the first one carries the session notice, if any. Also carries
   * the update's `update_id`, the `messageId` of the steps it takes, so a redelivered
   * update (a webhook retried after a failure) is not applied twice.
   */
  function outbox(ctx: C, key: SessionKey) {
    const out = {
      messageId: ctx.update.update_id,
      /** Put at the head of the next reply, then dropped. */
      notice: undefined as string | undefined,
      /** Sends a reply; `record: false` keeps it out of the history. */
      async reply(text: string, keyboard?: InlineKeyboard, record = true) {
        const full = out.notice === undefined ? text : `${out.notice}\n\n${text}`;
        out.notice = undefined;
        await ctx.reply(clipText(full), keyboard === undefined ? {} : { reply_markup: keyboard });
        if (options.history && record) {
          await runtime.addToHistory(
            key,
            { role: 'assistant', text: full },
            { messageId: out.messageId },
          );
        }
      },
    };
    return out;
  }
  type Outbox = ReturnType<typeof outbox>;

  /** Runs an operation; when the session expired in between, recovers it and runs it again. */
  async function withSession<T>(key: SessionKey, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!isCode(error, 'SESSION_EXPIRED') && !isCode(error, 'SESSION_NOT_FOUND')) throw error;
      await runtime.getOrCreateSession(key);
      return operation();
    }
  }

  async function replyToStep(
    out: Outbox,
    key: SessionKey,
    session: SessionView,
    result: StepResult,
    prefix?: string,
  ) {
    options.onStep?.(result, key);
    if (!result.ok) {
      if (result.code === 'NO_ACTIVE_WORKFLOW' || session.workflow === null) {
        await out.reply(`${texts.noWorkflow} ${texts.menu}`, menu);
        return;
      }
      const current = renderStep(session.sessionId, session.workflow, 'status');
      await out.reply(result.message, current.keyboard);
      return;
    }
    const step = renderStep(session.sessionId, viewOf(result), 'user');
    const replaced =
      result.replaced === undefined ? [] : [texts.replaced(labelOf(result.replaced))];
    const text = [...replaced, ...(prefix === undefined ? [] : [prefix]), step.text].join('\n\n');
    await out.reply(text, step.keyboard);
  }

  async function send(out: Outbox, key: SessionKey, session: SessionView, event: unknown) {
    const step = { messageId: out.messageId };
    const result = await withSession(key, () => runtime.send(key, event, step));
    await replyToStep(out, key, session, result);
  }

  async function startWorkflow(out: Outbox, key: SessionKey, session: SessionView, type: string) {
    const step = { messageId: out.messageId };
    const result = await withSession(key, () => runtime.startWorkflow(key, type, step));
    const dataset = session.dataset;
    if (
      reuseData &&
      result.ok &&
      dataset !== null &&
      acceptedEvents(workflows, viewOf(result)).includes('data.uploaded')
    ) {
      options.onStep?.(result, key);
      // The update's second step has an id of its own: the first one's would mark it a duplicate.
      const next = await runtime.send(
        key,
        { type: 'data.uploaded', dataset },
        { messageId: `${out.messageId}:data` },
      );
      if (next.ok) {
        const prefix = [
          ...(result.replaced === undefined ? [] : [texts.replaced(labelOf(result.replaced))]),
          texts.usingData(dataset),
        ].join('\n\n');
        await replyToStep(out, key, session, next, prefix);
        return;
      }
      options.onStep?.(next, key);
    }
    await replyToStep(out, key, session, result);
  }

  async function onText(ctx: C, out: Outbox, key: SessionKey, session: SessionView, text: string) {
    if (options.history) {
      await runtime.addToHistory(key, { role: 'user', text }, { messageId: out.messageId });
    }
    const translated = await options.translate?.(ctx, session);
    if (translated !== undefined) return send(out, key, session, translated);
    const workflow = session.workflow;
    if (workflow === null || workflow.done) {
      const wanted = text.trim().toLowerCase();
      const type = Object.keys(workflows).find(
        (candidate) => candidate === wanted || labelOf(candidate).toLowerCase() === wanted,
      );
      if (type !== undefined) return startWorkflow(out, key, session, type);
      return out.reply(texts.menu, menu);
    }
    const event = readStepText(text, workflow, acceptedEvents(workflows, workflow), controlsOf);
    if (event !== undefined) return send(out, key, session, event);
    const step = renderStep(session.sessionId, workflow, 'status');
    return out.reply(`${texts.notUnderstood}\n\n${step.text}`, step.keyboard);
  }

  async function onCommand(
    out: Outbox,
    key: SessionKey,
    session: SessionView,
    name: string,
    payload: string,
  ) {
    const workflow = session.workflow;
    const active = workflow !== null && !workflow.done ? workflow : undefined;
    switch (name) {
      case 'start': {
        const type = payload.trim();
        if (type !== '' && Object.hasOwn(workflows, type)) {
          return startWorkflow(out, key, session, type);
        }
        if (active === undefined) return out.reply(texts.welcome, menu);
        const step = renderStep(session.sessionId, active, 'status');
        return out.reply(step.text, step.keyboard);
      }
      case 'help': {
        const help = texts.help(commands);
        if (active === undefined) return out.reply(help, menu);
        const step = renderStep(session.sessionId, active, 'status');
        return out.reply(`${help}\n\n${step.text}`, step.keyboard);
      }
      case 'status': {
        const status = texts.status(
          session,
          workflow === null ? undefined : labelOf(workflow.type),
        );
        if (active === undefined) return out.reply(status, menu);
        return out.reply(status, renderStep(session.sessionId, active, 'status').keyboard);
      }
      case 'cancel': {
        const step = { messageId: out.messageId };
        const cancelled = await withSession(key, () => runtime.cancelWorkflow(key, step));
        const text =
          cancelled.cancelled && cancelled.workflow !== null
            ? texts.cancelled(labelOf(cancelled.workflow))
            : texts.nothingToCancel;
        return out.reply(`${text} ${texts.menu}`, menu);
      }
      case 'back':
        return send(out, key, session, { type: 'back' });
      case 'forget': {
        const forgotten = await runtime.forgetUser(key.userId);
        // The session is gone: neither a notice about it nor a history entry for the reply.
        out.notice = undefined;
        return out.reply(texts.forgotten(forgotten), undefined, false);
      }
      default: {
        const type = workflowCommands[name];
        if (type !== undefined) return startWorkflow(out, key, session, type);
      }
    }
  }

  async function onCallback(
    ctx: C,
    out: Outbox,
    key: SessionKey,
    session: SessionView,
    action: CallbackAction,
  ) {
    const removeKeyboard = () => ctx.editMessageReplyMarkup().catch(() => undefined);
    if (action.kind === 'start') {
      if (!Object.hasOwn(workflows, action.workflow)) {
        await ctx.answerCallbackQuery({ text: texts.staleButton });
        return;
      }
      await ctx.answerCallbackQuery();
      await removeKeyboard();
      return startWorkflow(out, key, session, action.workflow);
    }
    const workflow = session.workflow;
    if (workflow === null || workflow.done) {
      await ctx.answerCallbackQuery({ text: texts.staleButton });
      await removeKeyboard();
      return out.reply(`${texts.noWorkflow} ${texts.menu}`, menu);
    }
    const controls = controlsOf(workflow);
    const stale = async () => {
      await ctx.answerCallbackQuery({ text: texts.staleButton });
      const step = renderStep(session.sessionId, workflow, 'status');
      await out.reply(step.text, step.keyboard);
    };
    if (action.tag !== tagOfStep(session.sessionId, workflow, controls)) return stale();

    let event: WorkflowEventObject | undefined;
    const multi = controls?.multiSelect;
    switch (action.kind) {
      case 'choice':
        event = controls?.choices?.[action.index]?.event;
        break;
      case 'toggle': {
        if (multi === undefined || action.index >= multi.options.length) return stale();
        if (!isMaskWithin(action.mask, multi.options.length)) return stale();
        await ctx.answerCallbackQuery();
        const keyboard = stepKeyboard({
          tag: action.tag,
          controls,
          accepted: acceptedEvents(workflows, workflow),
          mask: action.mask ^ (1n << BigInt(action.index)),
          backLabel: texts.backLabel,
          cancelLabel: texts.cancelLabel,
        });
        await ctx.editMessageReplyMarkup(keyboard === undefined ? {} : { reply_markup: keyboard });
        return;
      }
      case 'submit':
        if (multi === undefined || !isMaskWithin(action.mask, multi.options.length)) break;
        event = multi.submit(
          maskIndexes(action.mask, multi.options.length).map(
            (index) => multi.options[index]!.value,
          ),
        );
        break;
      case 'back':
        event = { type: 'back' };
        break;
      case 'cancel':
        event = { type: 'cancel' };
        break;
    }
    if (event === undefined) return stale();
    await ctx.answerCallbackQuery();
    await removeKeyboard();
    return send(out, key, session, event);
  }

  async function onDocument(
    ctx: C,
    out: Outbox,
    key: SessionKey,
    session: SessionView,
    document: Document,
  ) {
    if (options.onDocument === undefined) return out.reply(texts.filesNotAccepted);
    const workflow = session.workflow;
    const active = workflow !== null && !workflow.done ? workflow : undefined;
    if (active !== undefined && !acceptedEvents(workflows, active).includes('data.uploaded')) {
      const step = renderStep(session.sessionId, active, 'status');
      return out.reply(`${texts.fileNotExpected}\n\n${step.text}`, step.keyboard);
    }
    const name = document.file_name ?? 'document';
    if (document.file_size !== undefined && document.file_size > maxFileBytes) {
      return out.reply(texts.fileTooLarge(maxFileBytes, { name, size: document.file_size }));
    }
    let dataset: DatasetInfo | string;
    try {
      const bytes = await download({ ctx, fileId: document.file_id, maxBytes: maxFileBytes });
      dataset = await options.onDocument({
        ctx,
        key,
        session,
        runtime,
        file: { name, mimeType: document.mime_type, bytes },
      });
    } catch (error) {
      if (error instanceof ChatflowError && error.code !== 'DATA_TOO_LARGE') throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return out.reply(
        error instanceof ChatflowError ? reason : texts.fileUnreadable(name, clipText(reason, 300)),
      );
    }
    if (typeof dataset === 'string') return out.reply(dataset);
    if (active === undefined) return out.reply(texts.dataReceived(dataset), menu);
    return send(out, key, session, { type: 'data.uploaded', dataset });
  }

  async function handle(ctx: C, key: SessionKey, intent: Intent) {
    const out = outbox(ctx, key);
    try {
      const session = await runtime.getOrCreateSession(key);
      out.notice = session.recovered
        ? texts.recovered
        : session.reset === undefined
          ? undefined
          : texts.reset[session.reset];
      switch (intent.kind) {
        case 'command':
          return await onCommand(out, key, session, intent.name, intent.payload);
        case 'text':
          return await onText(ctx, out, key, session, intent.text);
        case 'callback':
          return await onCallback(ctx, out, key, session, intent.action);
        case 'document':
          return await onDocument(ctx, out, key, session, intent.document);
      }
    } catch (error) {
      if (isCode(error, 'WORKFLOW_INTERRUPTED')) return out.reply(texts.interrupted);
      if (isCode(error, 'DATA_TOO_LARGE')) return out.reply((error as Error).message);
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery().catch(() => undefined);
      await out.reply(texts.failure).catch(() => undefined);
      throw error;
    }
  }

  const middleware: MiddlewareFn<C> = async (ctx, next) => {
    const key = sessionKeyOf(ctx);
    const intent =
      key === undefined
        ? undefined
        : recognizeUpdate(ctx, commandNames, hostMode ? 'text' : 'pass');
    if (key === undefined || intent === undefined) return next();
    await queue.run(key.conversationId, () =>
      hostMode ? host.handle(ctx, key, intent) : handle(ctx, key, intent),
    );
  };

  const unsubscribe: Array<() => void> = [];
  const api = options.api;
  if (api !== undefined && !hostMode) {
    unsubscribe.push(
      runtime.on('workflow.transition', (event) => {
        if (event.source === 'user') return;
        const chat = chatOf(event.key);
        if (chat === undefined) return;
        void queue.run(event.key.conversationId, async () => {
          const workflow: WorkflowView = {
            type: event.workflow,
            state: event.state,
            prompt: event.prompt,
            done: event.done,
            context: event.context,
          };
          const step = renderStep(event.sessionId, workflow, 'internal');
          try {
            await api.sendMessage(
              chat,
              step.text,
              step.keyboard === undefined ? {} : { reply_markup: step.keyboard },
            );
            if (options.history) {
              await runtime.addToHistory(event.key, { role: 'assistant', text: step.text });
            }
          } catch (error) {
            onPushError(error, event.key);
          }
        });
      }),
    );
  }

  return {
    commands,
    middleware: () => middleware,
    dispose() {
      for (const stop of unsubscribe.splice(0)) stop();
    },
    idle: () => queue.drain(),
    push(key: SessionKey, replies: readonly Reply[]) {
      if (api === undefined) {
        return Promise.reject(new Error('chatflow: push needs the api option'));
      }
      const chat = chatOf(key);
      if (chat === undefined || replies.length === 0) return Promise.resolve();
      return queue.run(key.conversationId, async () => {
        try {
          await host.send(api, chat, key, replies);
        } catch (error) {
          onPushError(error, key);
        }
      });
    },
  };
}
