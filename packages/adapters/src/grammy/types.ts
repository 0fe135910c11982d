import type { DatasetInfo, WorkflowDefinition } from '@chatflow/machines';
import type {
  ForgetResult,
  Runtime,
  SessionKey,
  SessionView,
  StepResult,
  WorkflowView,
} from '@chatflow/runtime';
import type { Api, Context, MiddlewareFn, MiddlewareObj } from 'grammy';

/** An event for a workflow: a `type` and its payload. */
export interface WorkflowEventObject {
  type: string;
  [field: string]: unknown;
}

/** One button of a step: pressing it (or typing its label) sends `event`. */
export interface StepChoice {
  /** The button's text. */
  label: string;
  event: WorkflowEventObject;
  /** Other texts that pick this choice when typed, compared case-insensitively. */
  aliases?: readonly string[];
}

/**
 * A multi-select of a step: buttons that toggle options, and a button that submits the
 * options picked. Typing the options separated by commas (or `all`) submits them too.
 */
export interface StepMultiSelect {
  options: readonly { label: string; value: string }[];
  /** The event that submits the picked option values (in option order). */
  submit(values: string[]): WorkflowEventObject;
  /**
   * Text of the submit button.
   * @default 'Done'
   */
  submitLabel?: string;
}

/**
 * How the user answers one step: buttons, a multi-select, and how free text is read.
 * Everything is optional; a step without controls is answered by text only (or by a
 * document upload).
 */
export interface StepControls {
  choices?: readonly StepChoice[];
  multiSelect?: StepMultiSelect;
  /**
   * Reads free text that matched no choice. Return `undefined` when the text means
   * nothing here; the user is then shown the step again.
   */
  parseText?(text: string): WorkflowEventObject | undefined;
}

/** Gives the controls of a workflow's current step (or `undefined` for none). */
export type StepControlsFn = (workflow: WorkflowView) => StepControls | undefined;

/** Where a step's message comes from, which decides what it says besides the prompt. */
export type StepSource =
  /** The user's own step. */
  | 'user'
  /** A step taken without a message (invoked work finished): results are shown. */
  | 'internal'
  /** `/status`, `/help` or a repeated step. */
  | 'status';

/** An uploaded document, as the host's `onDocument` receives it. */
export interface UploadedDocument {
  /** The file name the user's client sent, or `document` when it sent none. */
  name: string;
  mimeType: string | undefined;
  bytes: Uint8Array;
}

/** What the host's `onDocument` receives. */
export interface DocumentUploadArgs<C extends Context = Context> {
  ctx: C;
  key: SessionKey;
  session: SessionView;
  runtime: Runtime;
  file: UploadedDocument;
}

/**
 * Turns an uploaded document into the session's data set: typically parse the bytes
 * into an Arrow table and `return runtime.storeData(key, table, { name: file.name })`.
 * Return a string to refuse the file with that message; throw for a file that cannot be
 * read (the error's message is shown to the user).
 */
export type DocumentHandler<C extends Context = Context> = (
  args: DocumentUploadArgs<C>,
) => Promise<DatasetInfo | string>;

/** Fetches the bytes of a Telegram file. */
export type FileDownloader<C extends Context = Context> = (args: {
  ctx: C;
  fileId: string;
  /** The most bytes to read; larger files are refused. */
  maxBytes: number;
}) => Promise<Uint8Array>;

/** A picture or a file a {@link Reply} carries. */
export interface ReplyAttachment {
  /** The file name the user sees, e.g. `histogram-price.png`. */
  name: string;
  bytes: Uint8Array;
}

/** One option of a {@link Reply}: a button showing `label`; pressing it hands `value` back. */
export interface ReplyChoice {
  label: string;
  value: string;
}

/**
 * One message of a host that writes its own replies (the `respond` option), rendered by
 * the middleware: the text, then an inline keyboard of its choices (toggles and a submit
 * button when `multiple`), a picture sent as a photo and a file sent as a document.
 */
export interface Reply {
  text: string;
  /** Options to pick from, shown as inline buttons. */
  choices?: readonly ReplyChoice[];
  /** Several choices may be picked: the buttons toggle in place and a submit button sends them. */
  multiple?: boolean;
  /** A picture, sent as a photo (the text as its caption when it fits). */
  image?: ReplyAttachment;
  /** A file, sent as a document (the text as its caption when it fits). */
  file?: ReplyAttachment;
}

/**
 * What the user did, as the host's `respond` receives it: a text message (commands the
 * middleware does not answer included, e.g. `/train`), a document (already downloaded),
 * a press on a choice button (its `value`) or the submit of a multi-select (the values
 * picked, in option order). Values come back from Telegram: read them as you read typed
 * text.
 */
export type HostMessage =
  | { text: string }
  | { file: UploadedDocument }
  | { choice: string }
  | { choices: string[] };

/** What the host's `respond` receives. */
export interface RespondArgs<C extends Context = Context> {
  ctx: C;
  key: SessionKey;
  /**
   * The session as `getOrCreateSession` gave it for this update (`recovered` and `reset`
   * included; the middleware already put the notice at the head of the replies).
   */
  session: SessionView;
  runtime: Runtime;
  message: HostMessage;
  /**
   * The update's `update_id`. Pass it on as the step's id
   * (`runtime.send(key, event, { messageId })`, likewise `startWorkflow`) so that an update
   * Telegram delivers again (a webhook retried after a failure) is not applied twice: the
   * runtime then answers with the current step and `duplicate: true`. A reply that takes
   * two steps needs an id for each (e.g. `${messageId}:data` for the second).
   */
  messageId: number;
}

/** Answers one update with the host's own replies, sent in order by the middleware. */
export type RespondFn<C extends Context = Context> = (
  args: RespondArgs<C>,
) => Promise<readonly Reply[]> | readonly Reply[];

/** Every text the middleware writes itself (the steps' prompts come from the workflows). */
export interface ChatflowTexts {
  welcome: string;
  help: (commands: readonly { command: string; description: string }[]) => string;
  menu: string;
  recovered: string;
  reset: Record<NonNullable<SessionView['reset']>, string>;
  notUnderstood: string;
  staleButton: string;
  /** A button of a host's reply the middleware no longer remembers (after a restart). */
  expiredButton: string;
  /** A host's multi-select submitted with nothing picked. */
  nothingPicked: string;
  noWorkflow: string;
  replaced: (label: string) => string;
  cancelled: (label: string) => string;
  nothingToCancel: string;
  forgotten: (result: ForgetResult) => string;
  status: (session: SessionView, label: string | undefined) => string;
  filesNotAccepted: string;
  fileNotExpected: string;
  fileTooLarge: (maxBytes: number, file: { name: string; size: number }) => string;
  fileUnreadable: (name: string, reason: string) => string;
  dataReceived: (dataset: DatasetInfo) => string;
  usingData: (dataset: DatasetInfo) => string;
  interrupted: string;
  failure: string;
  backLabel: string;
  cancelLabel: string;
  /** The submit button of a host's multi-select, shown as `Done (2)`. */
  doneLabel: string;
}

/** Options of {@link createChatflowMiddleware}. */
export interface ChatflowMiddlewareOptions<C extends Context = Context> {
  /** The chatflow runtime holding the sessions. */
  runtime: Runtime;
  /** The workflow catalogue the runtime was created with (menus, labels, accepted events). */
  workflows: Record<string, WorkflowDefinition>;
  /**
   * The bot's API, used to send the steps that happen without a message (training
   * finished) to their chat. Without it, such steps are not announced.
   */
  api?: Api;
  /**
   * The session of an update, or `undefined` to let the update pass to the next
   * middleware.
   * @default `{ userId: ctx.from.id, conversationId: String(ctx.chat.id) }`
   */
  sessionKey?: (ctx: C) => SessionKey | undefined;
  /**
   * The chat a session's announcements go to, or `undefined` for none.
   * @default the conversation id when it is a Telegram chat id (an integer)
   */
  chatOf?: (key: SessionKey) => number | string | undefined;
  /**
   * The controls of each step (buttons, multi-selects, text reading).
   * @default defaultStepControls (the four chatflow workflows)
   */
  controls?: StepControlsFn;
  /**
   * Reads a text message as a workflow event before the step's controls do; return
   * `undefined` to fall back to them.
   */
  translate?: (
    ctx: C,
    session: SessionView,
  ) => WorkflowEventObject | undefined | Promise<WorkflowEventObject | undefined>;
  /**
   * The message of a step: its prompt, the last error, and results.
   * @default describeStep
   */
  describe?: (workflow: WorkflowView, source: StepSource) => string;
  /** Turns an uploaded document into the session's data set. Without it files are refused. */
  onDocument?: DocumentHandler<C>;
  /**
   * Fetches an uploaded document's bytes.
   * @default downloadTelegramFile (Bot API `getFile`, then the file URL)
   */
  downloadFile?: FileDownloader<C>;
  /**
   * The largest document accepted, in bytes (the Bot API serves files up to 20 MB).
   * @default 20971520
   */
  maxFileBytes?: number;
  /**
   * Commands that start a workflow, command name -> workflow type (only types of the
   * catalogue are used).
   * @default { train: 'ml_training', predict: 'ml_prediction', analyze: 'stats_analysis', explore: 'data_exploration' }
   */
  workflowCommands?: Record<string, string>;
  /**
   * After a workflow starts in a step that awaits data while the session already holds
   * a data set, use that data set instead of asking for a new upload.
   * @default true
   */
  reuseData?: boolean;
  /**
   * Record the user's texts and the bot's replies with `runtime.addToHistory` (one
   * store write each), with the update's `update_id` as their `messageId`: an update
   * delivered again adds no entry the first delivery recorded.
   * @default false
   */
  history?: boolean;
  /** Texts to override. */
  texts?: Partial<ChatflowTexts>;
  /**
   * Hands the conversation to the host: text, documents and button presses go to
   * `respond`, and the replies it returns are sent in order (see {@link Reply}). The
   * middleware keeps the sessions (and their notices), the order of each chat, its own
   * commands (`/status`, `/cancel`, `/forget`, `/help`) unless `hostCommands` names them,
   * the buttons (compact callback data, stale buttons refused, multi-selects toggled in
   * place) and the document download. It then neither reads events nor announces steps
   * itself: the host does, with `push`. Without it, the middleware runs the workflows.
   */
  respond?: RespondFn<C>;
  /**
   * With `respond`: the host's commands, listed in `commands` (for `setMyCommands` and
   * `/help`). Those named like one of the middleware's commands replace it. Every command
   * the middleware does not answer reaches `respond` as text, listed here or not.
   * @default []
   */
  hostCommands?: readonly { command: string; description: string }[];
  /**
   * Turns a host reply's text into the messages sent, each within Telegram's 4096
   * characters (formatted for `parseMode` when one is given).
   * @default splits plain text between paragraphs or lines, at most 4000 characters each
   */
  formatText?: (text: string) => readonly string[];
  /**
   * The `parse_mode` of host replies' texts and captions.
   * @default none (plain text)
   */
  parseMode?: 'HTML' | 'MarkdownV2' | 'Markdown';
  /**
   * Called with every step result, e.g. to count accepted and refused steps. The answer
   * to an update delivered again is the current step with `duplicate: true` (nothing was
   * applied): leave those out of counts of steps taken.
   */
  onStep?: (result: StepResult, key: SessionKey) => void;
  /**
   * Called when an announcement could not be sent (e.g. the user blocked the bot).
   * @default logs with console.error
   */
  onPushError?: (error: unknown, key: SessionKey) => void;
}

/** The middleware, plus what a host needs to stop it and wait for it. */
export interface ChatflowMiddleware<C extends Context = Context> extends MiddlewareObj<C> {
  middleware(): MiddlewareFn<C>;
  /** The commands it answers, for `bot.api.setMyCommands(chatflow.commands)`. */
  readonly commands: readonly { command: string; description: string }[];
  /** Stops listening to the runtime's events (announcements stop). */
  dispose(): void;
  /** Resolves once every queued reply and announcement has been sent. */
  idle(): Promise<void>;
  /**
   * Sends replies nobody asked for (a training finished) to the session's chat
   * (`chatOf`), after everything already queued for that chat. Resolves once they are
   * sent; a failure goes to `onPushError`. Needs the `api` option.
   */
  push(key: SessionKey, replies: readonly Reply[]): Promise<void>;
}
