import type { DatasetInfo, ModelRecord, WorkflowDefinition } from '@chatflow/machines';
import type { Table } from 'apache-arrow';
import type { Keyv } from 'keyv';
import type { Logger } from 'pino';
import type { AnyActorLogic, InspectionEvent, Observer } from 'xstate';
import type { SessionStore } from './sessionStore.ts';

/**
 * Identifies a chat session: one user in one conversation. Ids are compared as
 * strings, so user `42` and user `'42'` are the same user.
 */
export interface SessionKey {
  userId: string | number;
  conversationId: string;
}

/** Where the runtime keeps sessions when an adapter builds the store from the config. */
export type PersistenceBackend = 'memory' | 'sqlite' | 'redis';

/** Persistence settings, read by whoever builds the store (e.g. `@chatflow/adapters`). */
export interface PersistenceConfig {
  /**
   * Whether sessions outlive the process.
   * @default false
   */
  enabled: boolean;
  /**
   * The backend.
   * @default 'memory'
   */
  backend: PersistenceBackend;
  /** The backend's address, e.g. `sqlite://./sessions.db` or `redis://localhost:6379`. */
  url?: string;
}

/** The runtime's settings. `createRuntime` takes a partial one merged over the defaults. */
export interface RuntimeConfig {
  /**
   * Minutes without activity after which a session expires.
   * @default 30
   */
  sessionTimeoutMinutes: number;
  /**
   * The longest conversation history kept per session (a sliding window).
   * @default 50
   */
  maxHistoryMessages: number;
  /**
   * The most sessions kept live in memory; the least recently used are evicted (they
   * stay in the store and are rehydrated on their next message).
   * @default 1000
   */
  maxConcurrentSessions: number;
  /**
   * Minutes between two cleanup cycles once `start()` was called.
   * @default 10
   */
  cleanupIntervalMinutes: number;
  /**
   * Whether an expired session can be recovered during the grace period.
   * @default true
   */
  enableWorkflowRecovery: boolean;
  /**
   * Minutes after expiry during which `getOrCreateSession` recovers a session as it was.
   * @default 5
   */
  gracePeriodMinutes: number;
  /**
   * The largest table `storeData` accepts, in MB (2^20 bytes) of its Arrow IPC form.
   * @default 100
   */
  maxDataSizeMb: number;
  /**
   * Persistence settings.
   * @default { enabled: false, backend: 'memory' }
   */
  persistence: PersistenceConfig;
  /**
   * Seconds a runtime holds the lease of invoked work it runs (a trainer) without
   * renewing it; it renews every third of that. When a runtime dies, another one takes
   * the work over once the lease ran out.
   * @default 30
   */
  workLeaseSeconds: number;
  /**
   * The most runs of one piece of invoked work: once it was interrupted this many times
   * (its runtime died), it fails with an error instead of running again.
   * @default 3
   */
  maxWorkAttempts: number;
  /**
   * The longest history text `addToHistory` keeps, in characters (UTF-16 code units, as
   * `text.length` counts them). A longer text is cut to this length, its end replaced by
   * a visible mark: `" … [N more characters cut]"`.
   * @default 4096
   */
  maxHistoryTextLength: number;
  /**
   * Whether an operation on a live session (one this runtime read or wrote, still in
   * its registry and not expired) uses it without reading the store. Every write is a
   * compare-and-set on the session's revision either way, so a session another
   * runtime changed is read again before a step is taken on it, and no step is lost or
   * applied twice; what trusting skips is the read before each operation, at the price
   * that a view (`getSession`, `getOrCreateSession`) this runtime returns may miss
   * steps another runtime took since this one last wrote the session. Set it to
   * `false` when several runtimes serve the same conversations and views must always
   * be current: each operation then reads the record first (one more store round trip).
   * @default true
   */
  trustLiveSessions: boolean;
}

/** A partial {@link RuntimeConfig}: every field optional, `persistence` too. */
export type RuntimeConfigInput = Partial<Omit<RuntimeConfig, 'persistence'>> & {
  persistence?: Partial<PersistenceConfig>;
};

/**
 * Migrations of persisted workflow snapshots, by workflow type and by the version the
 * snapshot was written with. Each function takes a persisted snapshot of that version
 * and returns one that fits the workflow's current version.
 *
 * @example
 * ```ts
 * const migrations: WorkflowMigrations = {
 *   ml_training: { 1: (snapshot) => ({ ...snapshot, context: { ...snapshot.context, error: null } }) },
 * };
 * ```
 */
export type WorkflowMigrations = Record<
  string,
  Record<number, (persistedSnapshot: PersistedWorkflowSnapshot) => PersistedWorkflowSnapshot>
>;

/** A persisted XState machine snapshot, as `actor.getPersistedSnapshot()` returns it. */
export interface PersistedWorkflowSnapshot {
  status: string;
  value: unknown;
  context?: unknown;
  [key: string]: unknown;
}

/**
 * Sets and clears timeouts: the runtime schedules its workflow timers and work-lease
 * renewals through it. XState's `SimulatedClock` is one (tests drive it by hand, with
 * `now: () => clock.now()`).
 */
export interface RuntimeClock {
  /** Calls `callback` once, after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** An XState inspector: an observer of inspection events or a plain function. */
export type InspectOption =
  | Observer<InspectionEvent>
  | ((inspectionEvent: InspectionEvent) => void);

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** The workflow catalogue, keyed by workflow type (e.g. `@chatflow/machines`' `workflows`). */
  workflows: Record<string, WorkflowDefinition>;
  /**
   * Where sessions live: a Keyv (wrapped, with compare-and-set done in process), a Keyv
   * carrying a `SessionStore` at `sessionStoreSymbol` (as `@chatflow/adapters`'
   * `createStore` returns), or a `SessionStore`.
   * @default createMemoryStore({ now })
   */
  store?: Keyv | SessionStore;
  /**
   * Settings merged over the defaults and validated.
   * @default {}
   */
  config?: RuntimeConfigInput;
  /**
   * The clock, in milliseconds since the epoch. Every expiry judgement and every timer
   * deadline uses it.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Where the runtime sets its timeouts (workflow timers, lease renewals). Give it the
   * same time as `now` (e.g. XState's `SimulatedClock` for both).
   * @default Node's setTimeout, unref()'d
   */
  clock?: RuntimeClock;
  /**
   * The name this runtime holds work leases under. Give a process a name that stays the
   * same across its restarts (and that no other live process uses): a restarted runtime
   * then takes over at once the work its previous life left, instead of waiting for the
   * lease to run out.
   * @default a random id per runtime
   */
  owner?: string;
  /**
   * The pino logger for audit lines (info) and faults (warn, error).
   * @default pino({ name: 'chatflow', level: 'warn' })
   */
  logger?: Logger;
  /** An XState inspector, given the actor that mirrors each live session's workflow. */
  inspect?: InspectOption;
  /**
   * Actor logic provided to every workflow machine by name (only the names a machine
   * declares in `setup({ actors })`), e.g. the trainer.
   * @default {}
   */
  actors?: Record<string, AnyActorLogic>;
  /**
   * Migrations of persisted snapshots whose workflow version is older than the
   * catalogue's. Without one, such a workflow is reset.
   * @default {}
   */
  migrations?: WorkflowMigrations;
}

/** The current workflow of a session, as the session view shows it. */
export interface WorkflowView {
  /** The workflow type, a key of the catalogue. */
  type: string;
  /** The current step: the machine's state value. */
  state: string;
  /** The text the bot shows in this step (the state's `meta.prompt`). */
  prompt: string;
  /** True once the workflow reached a final state; it is then no longer active. */
  done: boolean;
  /** The machine's context. */
  context: unknown;
}

/** One message of the conversation history. */
export interface HistoryMessage {
  role: 'user' | 'assistant' | 'system';
  /** At most `maxHistoryTextLength` characters; a longer text is cut, with a mark. */
  text: string;
  /**
   * A plain object of JSON values (strings, finite numbers, booleans, null, arrays,
   * plain objects); anything else is refused with a `TypeError` naming its path.
   */
  metadata?: Record<string, unknown>;
  /** When it was added, in milliseconds since the epoch (the runtime's clock). */
  at: number;
  /** The id of the chat message it belongs to, when `addToHistory` was given one. */
  messageId?: string;
}

/** What `addToHistory` takes. */
export type HistoryMessageInput = Omit<HistoryMessage, 'at' | 'messageId'>;

/** Options of `addToHistory`. */
export interface HistoryOptions {
  /**
   * The id of the chat message the entry belongs to (e.g. Telegram's `update_id`; a
   * finite number or a string of 1 to 200 characters, `5` and `'5'` being one id). An
   * entry with the same id, role and text as one the history still holds is not added
   * again: a message delivered again is recorded once, as its steps are applied once.
   */
  messageId?: string | number;
}

/** Why `getOrCreateSession` answered with a fresh session or a fresh workflow. */
export type SessionResetReason = 'expired' | 'workflow_changed' | 'unreadable';

/** A session as the runtime shows it. */
export interface SessionView {
  /** The user id, as a string. */
  userId: string;
  conversationId: string;
  /** A random UUID, for logs and data keys. */
  sessionId: string;
  status: 'active' | 'expired';
  workflow: WorkflowView | null;
  /** The models trained in this session, oldest first. */
  models: ModelRecord[];
  /** The stored data set, if any. */
  dataset: DatasetInfo | null;
  createdAt: number;
  lastActivity: number;
  /** The revision of the stored record (1 for the first write). */
  revision: number;
  /** Set on the one `getOrCreateSession` call that recovered the session from grace. */
  recovered?: true;
  /** Set when `getOrCreateSession` replaced the old session or reset its workflow. */
  reset?: SessionResetReason;
}

/** Why a step was not taken. */
export type StepFailureCode = 'NO_ACTIVE_WORKFLOW' | 'INVALID_EVENT' | 'PREREQUISITE_NOT_MET';

/** A step the workflow took. */
export interface StepSuccess {
  ok: true;
  /** The workflow type. */
  workflow: string;
  state: string;
  prompt: string;
  done: boolean;
  context: unknown;
  /** On `startWorkflow`: the type of the running workflow this one replaced. */
  replaced?: string;
  /**
   * Set when the call's `messageId` had already been applied: nothing was applied
   * again, and the result shows the session's current step.
   */
  duplicate?: true;
}

/** A step the workflow refused: a user mistake, not a fault. */
export interface StepFailure {
  ok: false;
  code: StepFailureCode;
  /** What the user reads: what is missing or which events the step accepts. */
  message: string;
  /** The current state, or `null` without an active workflow. */
  state: string | null;
}

/** What `send` and `startWorkflow` resolve to. */
export type StepResult = StepSuccess | StepFailure;

/** Options of `send`, `startWorkflow` and `cancelWorkflow`. */
export interface StepOptions {
  /**
   * An id of the message this step answers (e.g. Telegram's `update_id`). A step with
   * an id that the session already applied is not applied again (a retry after a write
   * that timed out but went through): the call resolves to the current step with
   * `duplicate: true`. The session keeps the last 32 ids.
   */
  messageId?: string | number;
}

/** What `cancelWorkflow` resolves to. */
export interface CancelResult {
  /** True when a running workflow was cancelled. */
  cancelled: boolean;
  /** The type of the cancelled workflow, or `null`. */
  workflow: string | null;
  /**
   * Set when the call's `messageId` had already been applied: nothing was cancelled
   * now (`cancelled: false`), whatever runs was started after it.
   */
  duplicate?: true;
}

/** Options of `storeData`. */
export interface StoreDataOptions {
  /**
   * The data set's name, shown to the user.
   * @default 'data'
   */
  name?: string;
}

/** What `forgetUser` removed. */
export interface ForgetResult {
  userId: string;
  /** Session records deleted. */
  sessions: number;
  /** Data blobs deleted. */
  dataBlobs: number;
  /** Quarantined records deleted. */
  quarantined: number;
  /** The conversations whose sessions were deleted. */
  conversationIds: string[];
}

/** The counts of one cleanup cycle. */
export interface CleanupResult {
  /**
   * Live sessions looked at: those idle past the timeout, then the first that is not
   * (the registry keeps live sessions in the order of their last activity).
   */
  scanned: number;
  /**
   * Sessions found expired and announced (`session.expired`); they can be recovered
   * during the grace period.
   */
  expired: number;
  /** Sessions deleted because their grace period was over (or recovery is off). */
  deleted: number;
}

/** What `stats()` returns. */
export interface RuntimeStats {
  /** Sessions live in memory. */
  activeSessions: number;
  /** Megabytes (2^20 bytes) of Arrow IPC data held by live sessions. */
  dataMegabytes: number;
  /** Live sessions whose workflow has not reached a final state. */
  workflowsInProgress: number;
  /** Sessions this runtime marked expired whose grace period is not over. */
  expiredInGrace: number;
  /** Cleanup cycles run since the runtime was created. */
  cleanupCycles: number;
  /** Mean of (last activity - creation) over live sessions, in minutes (0 with none). */
  averageSessionDurationMinutes: number;
  /** Live sessions evicted to stay within `maxConcurrentSessions`, since creation. */
  evictions: number;
  /**
   * Live sessions whose workflow is in progress, by workflow type and state, e.g.
   * `{ ml_training: { selecting_target: 3 } }`.
   */
  workflowsByState: Record<string, Record<string, number>>;
  /** Pending workflow timers of live sessions. */
  pendingTimers: number;
  /** Invoked work this runtime is running now. */
  workInFlight: number;
}

/** What `health()` returns. */
export interface RuntimeHealth {
  /** `degraded` when the last store operation failed. */
  status: 'healthy' | 'degraded';
  stats: RuntimeStats;
  store: { backend: string; address: string; atomic: boolean };
  /** The last store failure, if the store has failed since it last answered. */
  lastStoreError?: { at: number; message: string };
}

/** The types of runtime events. */
export type RuntimeEventType =
  | 'session.created'
  | 'session.expired'
  | 'session.recovered'
  | 'session.deleted'
  | 'session.evicted'
  | 'step.refused'
  | 'workflow.started'
  | 'workflow.transition'
  | 'workflow.completed'
  | 'workflow.cancelled';

/** What every runtime event carries. */
export interface RuntimeEventBase {
  /** The session's key, user id as a string. */
  key: { userId: string; conversationId: string };
  sessionId: string;
  /** The runtime's clock when it happened. */
  at: number;
}

/** What a step of a workflow looks like in an event. */
export interface WorkflowEventDetails {
  /** The workflow type. */
  workflow: string;
  state: string;
  prompt: string;
  done: boolean;
  context: unknown;
}

/**
 * Who caused a workflow step: `user` a message (`send`), `internal` invoked work that
 * finished (or failed), `timer` a delayed event of the machine (`after`). Steps not
 * caused by the user happen without a message: the bot has to tell the user.
 */
export type StepSource = 'user' | 'internal' | 'timer';

/** Every runtime event, by type. */
export interface RuntimeEventMap {
  'session.created': RuntimeEventBase & { type: 'session.created' };
  'session.expired': RuntimeEventBase & { type: 'session.expired' };
  'session.recovered': RuntimeEventBase & { type: 'session.recovered' };
  'session.deleted': RuntimeEventBase & {
    type: 'session.deleted';
    /** `deleted` (deleteSession), `expired` (grace over), `forgotten` (forgetUser). */
    reason: 'deleted' | 'expired' | 'forgotten';
  };
  'session.evicted': RuntimeEventBase & {
    type: 'session.evicted';
    /** Its live state was dropped to stay within `maxConcurrentSessions`; it stays stored. */
    reason: 'capacity';
  };
  'step.refused': RuntimeEventBase & {
    type: 'step.refused';
    /** The workflow type, or `null` without an active workflow. */
    workflow: string | null;
    /** The refused event's type (first 60 characters), or `null` for a non-event. */
    eventType: string | null;
    code: StepFailureCode;
    /** The state it was refused in, or `null` without an active workflow. */
    state: string | null;
  };
  'workflow.started': RuntimeEventBase &
    WorkflowEventDetails & { type: 'workflow.started'; replaced?: string };
  'workflow.transition': RuntimeEventBase &
    WorkflowEventDetails & {
      type: 'workflow.transition';
      /** The state before. */
      from: string;
      /**
       * `user` for a step taken on `send`; `internal` for one taken without a message
       * (invoked work finished), `timer` for a delayed event (`after`): the bot has to
       * tell the user of both.
       */
      source: StepSource;
    };
  'workflow.completed': RuntimeEventBase &
    WorkflowEventDetails & {
      type: 'workflow.completed';
      /** The machine's output. */
      output: unknown;
      source: StepSource;
    };
  'workflow.cancelled': RuntimeEventBase & {
    type: 'workflow.cancelled';
    workflow: string;
    /** The state it was in. */
    state: string;
    /**
     * `cancelled` (cancelWorkflow), `replaced` (startWorkflow), or `event` (the user's
     * event took the machine to its final `cancelled` state).
     */
    reason: 'cancelled' | 'replaced' | 'event';
  };
}

/** Any runtime event. */
export type RuntimeEvent = RuntimeEventMap[RuntimeEventType];

/** A listener of one type of runtime event. */
export type RuntimeEventListener<T extends RuntimeEventType> = (event: RuntimeEventMap[T]) => void;

/** What `workOf` tells invoked work about itself. */
export interface WorkInfo {
  /** The session the work belongs to. */
  key: { userId: string; conversationId: string };
  sessionId: string;
  /** The workflow type. */
  workflow: string;
  /** The id of this run of the workflow. */
  instanceId: string;
  /** The invoked actor's id (`invoke.id`). */
  invokeId: string;
  /** A random id of this piece of work, the same for each of its attempts. */
  workId: string;
  /** 1 for the first run; more when the work is run again after an interruption. */
  attempt: number;
}

/** A chatflow runtime: sessions, workflows, history and data. See `createRuntime`. */
export interface Runtime {
  /**
   * Returns the session, creating it when there is none and recovering it when it
   * expired less than the grace period ago. Counts as activity.
   */
  getOrCreateSession(key: SessionKey): Promise<SessionView>;
  /**
   * Returns the session's view, or `undefined` when there is none (or it is gone). It
   * never creates, recovers or writes, and does not count as activity (reading the
   * session may wake its due timers and work, which write in the background).
   */
  getSession(key: SessionKey): Promise<SessionView | undefined>;
  /** Deletes the session and its data. Throws `SessionNotFoundError` when there is none. */
  deleteSession(key: SessionKey): Promise<void>;
  /**
   * Starts a workflow of the catalogue, replacing (cancelling) a running one. Its input
   * is `{ models }`, the session's trained models.
   */
  startWorkflow(key: SessionKey, workflowType: string, options?: StepOptions): Promise<StepResult>;
  /** Sends a user event to the session's workflow. */
  send(key: SessionKey, event: unknown, options?: StepOptions): Promise<StepResult>;
  /**
   * Cancels the running workflow, if any. With a `messageId` the session already
   * applied, it cancels nothing and resolves with `duplicate: true`.
   */
  cancelWorkflow(key: SessionKey, options?: StepOptions): Promise<CancelResult>;
  /** Stores an Arrow table as the session's data set and returns its description. */
  storeData(key: SessionKey, table: Table, options?: StoreDataOptions): Promise<DatasetInfo>;
  /** Loads the session's data set, or `undefined` when there is none. */
  getData(key: SessionKey): Promise<Table | undefined>;
  /** Removes the session's data set. */
  clearData(key: SessionKey): Promise<void>;
  /**
   * Appends a message to the history, keeping the last `maxHistoryMessages`. With a
   * `messageId`, an entry the history already holds for that message is not added again.
   */
  addToHistory(
    key: SessionKey,
    message: HistoryMessageInput,
    options?: HistoryOptions,
  ): Promise<void>;
  /**
   * The last `n` messages of the history, oldest first.
   * @default n = 5
   */
  getHistory(key: SessionKey, n?: number): Promise<HistoryMessage[]>;
  /** Deletes every session, data blob and index entry of a user. */
  forgetUser(userId: string | number): Promise<ForgetResult>;
  /** The session a workflow's inspector mirror or invoked work belongs to, from its `system` or `self`. */
  sessionOf(actorOrSystem: unknown): SessionKey | undefined;
  /**
   * What the invoked work running in an actor system is: its session, workflow run,
   * invoke id and attempt (for work that must be idempotent per attempt).
   */
  workOf(actorOrSystem: unknown): WorkInfo | undefined;
  stats(): RuntimeStats;
  /** Probes the store and returns the runtime's health. */
  health(): Promise<RuntimeHealth>;
  /** Runs one cleanup cycle over the live sessions. */
  cleanupExpired(): Promise<CleanupResult>;
  /**
   * Re-arms the timers and work leases of the sessions in the store (where the store can
   * list its keys), then starts the cleanup loop (its timer does not keep the process
   * alive).
   */
  start(): Promise<void>;
  /**
   * Stops the loop and the timers, waits for pending operations, hands back the leases
   * of the work running here (another runtime takes it over at once), stops every actor.
   */
  shutdown(): Promise<void>;
  /** Listens to one type of runtime event; returns the function that stops listening. */
  on<T extends RuntimeEventType>(type: T, listener: RuntimeEventListener<T>): () => void;
}
