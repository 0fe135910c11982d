import { type DatasetInfo, type WorkflowType, workflows } from '@chatflow/machines';
import {
  ChatflowError,
  DataTooLargeError,
  type HistoryOptions,
  type Runtime,
  type SessionView,
  type StepResult,
} from '@chatflow/runtime';
import { AnalyticsError } from './analytics/AnalyticsError.ts';
import { ingestFile } from './analytics/ingestFile.ts';
import type { ArtifactStore } from './artifactStore.ts';
import { createChatHistory } from './createChatHistory.ts';
import { createChatLine } from './createChatLine.ts';
import { describeSession } from './describeSession.ts';
import {
  describeColumns,
  describeDataset,
  describeStep,
  menuChoices,
  type StepView,
} from './describeStep.ts';
import { helpText } from './helpText.ts';
import { mergeReplies } from './mergeReplies.ts';
import { parseChoice } from './parseChoice.ts';
import { type Intent, parseIntent } from './parseIntent.ts';
import { respondInStep, type StepAction } from './respondInStep.ts';
import type { ChatBot, ChatKey, FilePayload, Reply, ReplyListener } from './types.ts';
import { uploadTooLarge } from './uploadTooLarge.ts';

/** Options of {@link createStatsBot}. */
export interface StatsBotOptions {
  /** The chatflow runtime, created with the analytics actors (see `createAnalyticsActors`). */
  runtime: Runtime;
  /** Where trained models and produced files are kept. */
  artifacts: ArtifactStore;
  /**
   * The largest file accepted, in bytes.
   * @default 20 MB (20 * 2^20 bytes)
   */
  maxUploadBytes?: number;
}

/** The bot core: a {@link ChatBot} over the runtime; `close` stops listening to it. */
export interface StatsBot extends ChatBot {
  close(): void;
}

const defaultMaxUploadBytes = 20 * 2 ** 20;

/** The note when a workflow starts on the data set already loaded. */
export function usingLoaded(dataset: DatasetInfo): string {
  return `Using ${dataset.name} (send another file to use that instead).`;
}

const resetNotes: Record<string, string> = {
  expired: 'Your previous session expired after a long pause, so we start afresh.',
  workflow_changed:
    'The bot was updated and your unfinished workflow could not be carried over; please start it again.',
  unreadable: 'Your previous session could not be read, so we start afresh.',
};

/** True while a step runs invoked work (training, predicting, an analysis). */
export function isBusyStep(type: string, state: string): boolean {
  const machine = workflows[type as keyof typeof workflows]?.machine;
  const node = machine?.root.states[state];
  return node !== undefined && node.invoke.length > 0;
}

function activeWorkflow(session: SessionView): StepView | undefined {
  const workflow = session.workflow;
  return workflow && !workflow.done ? workflow : undefined;
}

function isUserFacing(error: unknown): error is Error {
  return error instanceof AnalyticsError || error instanceof DataTooLargeError;
}

/**
 * Creates the stats bot's core, the same for console and Telegram mode: it takes a
 * message (text or a file) of a chat and answers with replies. Text is read as a slash
 * command, a pick among the choices the bot last offered (by number or name), a request
 * in words that may refer back to the loaded data ("train a model on it", "what about
 * correlation?"), or the answer to the current step. Files are read into Arrow tables
 * and stored as the session's data set. Steps that finish without a message (training
 * done) are described to the {@link ReplyListener}s.
 *
 * @example
 * ```ts
 * const bot = createStatsBot({ runtime, artifacts });
 * bot.onReply((key, replies) => print(replies));
 * const replies = await bot.handleMessage({ userId: 'console', conversationId: 'main' }, { text: '/start' });
 * ```
 */
export function createStatsBot(options: StatsBotOptions): StatsBot {
  const { runtime, artifacts } = options;
  const maxUploadBytes = options.maxUploadBytes ?? defaultMaxUploadBytes;
  const line = createChatLine();
  const history = createChatHistory(runtime);
  const listeners = new Set<ReplyListener>();
  const waiters = new Map<string, Set<() => void>>();
  const keyId = (key: ChatKey): string => JSON.stringify([String(key.userId), key.conversationId]);

  const surroundingsOf = (session: SessionView) => ({
    userId: session.userId,
    dataset: session.dataset,
    models: session.models,
    artifacts,
  });

  const describe = async (session: SessionView, step: StepView | null): Promise<Reply[]> =>
    step ? describeStep(step, surroundingsOf(session)) : [];

  /** Says `message` with the choices of the current step, so the user can answer again. */
  const explainInStep = async (session: SessionView, message: string): Promise<Reply> => {
    const current = await describe(session, activeWorkflow(session) ?? null);
    const withChoices = [...current].reverse().find((reply) => reply.choices);
    const reply: Reply = { text: message };
    if (withChoices?.choices) {
      reply.choices = withChoices.choices;
      if (withChoices.multiple) reply.multiple = true;
    } else if (current.length > 0) {
      reply.text = `${message}\n${current.map((part) => part.text).join('\n')}`;
    }
    return reply;
  };

  /** Turns a step result into replies: the new step, or the refusal with the step's choices. */
  const afterStep = async (key: ChatKey, result: StepResult): Promise<Reply[]> => {
    const session = await runtime.getOrCreateSession(key);
    if (result.ok) {
      const { workflow, state, prompt, done, context } = result;
      return describe(session, { type: workflow, state, prompt, done, context });
    }
    if (result.code === 'NO_ACTIVE_WORKFLOW') {
      return [{ text: `${result.message}\nWhat would you like to do?`, choices: menuChoices }];
    }
    return [await explainInStep(session, result.message)];
  };

  /**
   * The message each chat is handling, and how many steps it took: each step gets its
   * own id, `<messageId>:<n>`. A chat's messages run one at a time (its line).
   */
  const handling = new Map<string, { messageId: string; steps: number }>();
  const stepOptions = (key: ChatKey): { messageId: string } | undefined => {
    const current = handling.get(keyId(key));
    if (current === undefined) return undefined;
    current.steps += 1;
    return { messageId: `${current.messageId}:${current.steps}` };
  };

  /** The history options of the message the chat is handling: its id, when it has one. */
  const historyOptions = (key: ChatKey): HistoryOptions | undefined => {
    const current = handling.get(keyId(key));
    return current === undefined ? undefined : { messageId: current.messageId };
  };

  /** Runs a series of workflow actions, stopping at the first refusal. */
  const perform = async (key: ChatKey, actions: readonly StepAction[]): Promise<Reply[]> => {
    const notes: Reply[] = [];
    let result: StepResult | undefined;
    for (const action of actions) {
      if (action.kind === 'start') {
        result = await runtime.startWorkflow(key, action.workflow, stepOptions(key));
        if (result.ok && result.replaced) {
          const replaced = workflows[result.replaced as keyof typeof workflows]?.label;
          notes.push({
            text: `I stopped the unfinished "${replaced ?? result.replaced}" to start this.`,
          });
        }
      } else if (action.kind === 'send') {
        result = await runtime.send(key, action.event, stepOptions(key));
      } else if (action.kind === 'ask') {
        return [...notes, action.reply];
      } else {
        notes.push({ text: action.text });
        continue;
      }
      if (!result.ok) break;
      if (result.done || isBusyStep(result.workflow, result.state)) break;
    }
    if (result === undefined) return notes;
    return [...notes, ...(await afterStep(key, result))];
  };

  /** Starts a workflow that takes data, feeding it the loaded data set when there is one. */
  const startWithData = (key: ChatKey, session: SessionView, workflow: WorkflowType) => {
    const actions: StepAction[] = [{ kind: 'start', workflow }];
    if (session.dataset) {
      actions.push(
        { kind: 'note', text: usingLoaded(session.dataset) },
        { kind: 'send', event: { type: 'data.uploaded', dataset: session.dataset } },
      );
    }
    return perform(key, actions);
  };

  const menu = (session: SessionView, lead: string): Reply => ({
    text: session.dataset
      ? `${lead}\nLoaded: ${describeDataset(session.dataset)}.`
      : `${lead}\nSend a CSV or Excel file to begin, or pick a workflow:`,
    choices: menuChoices,
  });

  const onCommand = async (
    key: ChatKey,
    session: SessionView,
    intent: Intent & { kind: 'command' },
  ): Promise<Reply[]> => {
    switch (intent.command) {
      case 'start':
        return [menu(session, 'What would you like to do?')];
      case 'train':
        return startWithData(key, session, 'ml_training');
      case 'predict':
        return perform(key, [{ kind: 'start', workflow: 'ml_prediction' }]);
      case 'stats':
        return startWithData(key, session, 'stats_analysis');
      case 'explore':
        return startWithData(key, session, 'data_exploration');
      case 'upload':
        return [
          { text: 'Send me the file: a CSV (.csv, .tsv, .txt) or an Excel workbook (.xlsx).' },
        ];
      case 'cancel': {
        const cancelled = await runtime.cancelWorkflow(key, stepOptions(key));
        const label = workflows[cancelled.workflow as keyof typeof workflows]?.label;
        return [
          menu(
            session,
            cancelled.cancelled
              ? `Cancelled "${label ?? cancelled.workflow}".`
              : 'Nothing to cancel.',
          ),
        ];
      }
      case 'back':
        if (!activeWorkflow(session)) return [menu(session, 'There is no step to go back to.')];
        return perform(key, [{ kind: 'send', event: { type: 'back' } }]);
      case 'status':
        return describeSession(session, await describe(session, activeWorkflow(session) ?? null));
      case 'history': {
        const messages = await runtime.getHistory(key, 21);
        const earlier = messages
          .slice(0, -1)
          .filter((message) => message.role !== 'system')
          .slice(-10);
        if (earlier.length === 0) return [{ text: 'We have not talked yet.' }];
        const lines = earlier.map(
          (message) =>
            `${message.role === 'user' ? 'you' : 'bot'}: ${message.text.split('\n')[0] ?? ''}`,
        );
        return [{ text: `Our last messages:\n${lines.join('\n')}` }];
      }
      case 'forget': {
        const removed = await runtime.forgetUser(key.userId);
        const stored = await artifacts.forgetUser(key.userId);
        const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
        return [
          {
            text: `Done: I deleted everything I kept about you (${count(removed.sessions, 'session')}, ${count(removed.dataBlobs, 'data set')}, ${count(stored.models, 'model')}, ${count(stored.outputs, 'produced file')}).`,
          },
        ];
      }
      case 'help':
        return [{ text: helpText, choices: menuChoices }];
      case 'quit':
        return [
          {
            text: 'There is nothing to quit here. /cancel stops the current workflow; your conversation is kept.',
          },
        ];
    }
  };

  const onText = async (key: ChatKey, session: SessionView, text: string): Promise<Reply[]> => {
    let intent = parseIntent(text);
    const offered = text.trim().startsWith('/') ? undefined : await history.lastOffered(key);
    let picked: string[] | undefined;
    if (offered) {
      const pick = parseChoice(text, offered.choices, { multiple: offered.multiple });
      if (pick.ok) {
        picked = pick.values;
        const single = pick.values.length === 1 ? (pick.values[0] ?? '') : '';
        intent = single.startsWith('/') ? parseIntent(single) : { kind: 'text', text };
      }
    }
    if (intent.kind === 'command') return onCommand(key, session, intent);
    if (intent.kind === 'unknown_command') {
      return [{ text: `I do not know ${intent.command}.\n\n${helpText}`, choices: menuChoices }];
    }
    const response = await respondInStep({
      session,
      text,
      intent,
      ...(picked ? { picked } : {}),
      lastAction: () => history.lastAction(key),
    });
    if (response.action) await history.recordAction(key, response.action, historyOptions(key));
    if (response.actions.length > 0) return perform(key, response.actions);
    if (response.explain !== undefined) return [await explainInStep(session, response.explain)];
    return (response.replies ?? []).map((reply) =>
      reply.choices || activeWorkflow(session) ? reply : { ...reply, choices: menuChoices },
    );
  };

  const onFile = async (
    key: ChatKey,
    session: SessionView,
    file: FilePayload,
  ): Promise<Reply[]> => {
    if (file.bytes.length > maxUploadBytes) {
      return [{ text: uploadTooLarge(file.name, file.bytes.length, maxUploadBytes) }];
    }
    const active = activeWorkflow(session);
    if (active && isBusyStep(active.type, active.state)) {
      return [
        {
          text: 'I am still working on your last request. Wait for it to finish, or /cancel it, then send the file again.',
        },
      ];
    }
    let dataset: DatasetInfo;
    let warnings: string[];
    try {
      const ingested = await ingestFile(file.bytes, file.name, { maxBytes: maxUploadBytes });
      warnings = ingested.warnings;
      dataset = await runtime.storeData(key, ingested.table, { name: file.name });
    } catch (error) {
      if (isUserFacing(error)) {
        return [{ text: `${error.message}\nNothing was changed.` }];
      }
      throw error;
    }
    const loaded: Reply = {
      text: [
        `Loaded ${describeDataset(dataset)}.`,
        `Columns: ${describeColumns(dataset)}.`,
        ...warnings.map((warning) => `Note: ${warning}`),
      ].join('\n'),
    };
    const upload = { kind: 'send', event: { type: 'data.uploaded', dataset } } as const;
    if (!active) {
      return [
        {
          ...loaded,
          text: `${loaded.text}\nWhat would you like to do with it?`,
          choices: menuChoices,
        },
      ];
    }
    if (active.state === 'awaiting_data') return [loaded, ...(await perform(key, [upload]))];
    if (active.type === 'ml_prediction') {
      const session2 = await runtime.getOrCreateSession(key);
      return [loaded, ...(await describe(session2, activeWorkflow(session2) ?? null))];
    }
    return [
      loaded,
      ...(await perform(key, [
        { kind: 'note', text: 'Starting over with the new data.' },
        { kind: 'start', workflow: active.type as WorkflowType },
        upload,
      ])),
    ];
  };

  const respond = async (key: ChatKey, message: { text: string } | { file: FilePayload }) => {
    const session = await runtime.getOrCreateSession(key);
    const notes: Reply[] = [];
    if (session.recovered) {
      notes.push({ text: 'Welcome back: your session had timed out and was recovered as it was.' });
    }
    if (session.reset) notes.push({ text: resetNotes[session.reset] ?? 'We start afresh.' });
    const userText = 'file' in message ? `[file ${message.file.name}]` : message.text;
    await history.rememberUser(key, userText, historyOptions(key));
    let replies: Reply[];
    try {
      replies =
        'file' in message
          ? await onFile(key, session, message.file)
          : await onText(key, session, message.text);
    } catch (error) {
      if (!(error instanceof ChatflowError) || error.code === 'STORE_UNAVAILABLE') throw error;
      replies = [{ text: error.message }];
    }
    const all = mergeReplies([...notes, ...replies]);
    await history.rememberReplies(key, all, historyOptions(key));
    return all;
  };

  const emit = (key: ChatKey, replies: Reply[]): void => {
    for (const listener of listeners) listener(key, replies);
  };

  const wake = (key: ChatKey): void => {
    const id = keyId(key);
    const pending = waiters.get(id);
    if (!pending) return;
    waiters.delete(id);
    for (const resolve of pending) resolve();
  };

  const announce = (key: ChatKey, step: StepView): void => {
    void line
      .run(key, async () => {
        const session = await runtime.getOrCreateSession(key);
        const replies = mergeReplies(await describe(session, step));
        await history.rememberReplies(key, replies);
        emit(key, replies);
      })
      .catch((error: unknown) => {
        emit(key, [
          { text: `Something went wrong: ${error instanceof Error ? error.message : error}` },
        ]);
      })
      .finally(() => wake(key));
  };

  const unsubscribers = [
    runtime.on('workflow.transition', (event) => {
      if (event.source === 'user') return;
      announce(event.key, {
        type: event.workflow,
        state: event.state,
        prompt: event.prompt,
        done: event.done,
        context: event.context,
      });
    }),
    runtime.on('workflow.cancelled', (event) => wake(event.key)),
    runtime.on('session.deleted', (event) => wake(event.key)),
  ];

  return {
    maxUploadBytes,
    handleMessage(key, message, options) {
      return line.run(key, async () => {
        const messageId = options?.messageId;
        if (messageId === undefined) return respond(key, message);
        handling.set(keyId(key), { messageId: String(messageId), steps: 0 });
        try {
          return await respond(key, message);
        } finally {
          handling.delete(keyId(key));
        }
      });
    },
    onReply(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    greet(key) {
      return line.run(key, async () => {
        const session = await runtime.getOrCreateSession(key);
        const active = activeWorkflow(session);
        if (!active) {
          return [
            menu(
              session,
              'Hello! I train models, predict, run statistics and explore data. /help lists what I understand.',
            ),
          ];
        }
        const label = workflows[active.type as keyof typeof workflows]?.label ?? active.type;
        return [
          { text: `Welcome back. We were in "${label}", at step ${active.state}.` },
          ...(await describe(session, active)),
        ];
      });
    },
    async settled(key) {
      for (;;) {
        await line.idle(key);
        const woken = new Promise<void>((resolve) => {
          const id = keyId(key);
          const pending = waiters.get(id) ?? new Set();
          pending.add(resolve);
          waiters.set(id, pending);
        });
        const session = await runtime.getSession(key);
        const active = session ? activeWorkflow(session) : undefined;
        if (!active || !isBusyStep(active.type, active.state)) {
          wake(key);
          await line.idle(key);
          return;
        }
        await woken;
      }
    },
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
