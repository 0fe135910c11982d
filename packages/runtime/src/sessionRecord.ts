import type { DatasetInfo, ModelRecord } from '@chatflow/machines';
import { z } from 'zod';
import type { HistoryMessage, PersistedWorkflowSnapshot } from './types.ts';

/** The format number written into every record; a record of another format is unreadable. */
export const recordFormat = 1;

/**
 * A delayed event the workflow's machine scheduled (an `after` transition, or a `raise`
 * with a `delay`), with its deadline on the runtime's clock. The runtime fires it, not
 * XState, so it survives a restart.
 */
export interface WorkflowTimer {
  /** The scheduled event's id (for `after`, XState's `xstate.after.<delay>.<state>`). */
  id: string;
  /** The event to deliver when it falls due. */
  event: { type: string; [field: string]: unknown };
  /** When it falls due, in milliseconds since the epoch. */
  dueAt: number;
}

/**
 * The lease of one piece of invoked work in flight (a trainer): which runtime runs it,
 * until when the lease holds without being renewed, and which attempt this is.
 */
export interface WorkLease {
  /** A random id of this piece of work, the same for each of its attempts. */
  workId: string;
  /** The invoked actor's id (the machine's `invoke.id`). */
  invokeId: string;
  /** The actor logic's name in `setup({ actors })`. */
  src: string;
  /** 1 for the first run; one more each time the work is taken over after an interruption. */
  attempt: number;
  /** The id of the runtime instance that holds the lease. */
  owner: string;
  /** The owner name of that runtime (`RuntimeOptions.owner`, or its instance id). */
  ownerName: string;
  /** Until when the lease holds unless renewed, in milliseconds since the epoch. */
  leaseUntil: number;
  /** Set once the work's outcome was delivered while its actor stays (nothing to run). */
  finished?: true;
}

/** The workflow part of a stored session. */
export interface WorkflowRecord {
  /** The workflow type, a key of the catalogue. */
  type: string;
  /** The definition's version the snapshot was written with. */
  version: number;
  /** A random id of this run of the workflow. */
  instanceId: string;
  startedAt: number;
  /** The machine's persisted snapshot. */
  snapshot: PersistedWorkflowSnapshot;
  /** Pending delayed events, soonest first (absent: none). */
  timers?: WorkflowTimer[];
  /** Leases of the invoked work in flight (absent: none). */
  work?: WorkLease[];
}

/** A session as it is stored (as JSON, under the session's storage key). */
export interface SessionRecord {
  format: typeof recordFormat;
  sessionId: string;
  userId: string;
  conversationId: string;
  /** `expired` once a cleanup cycle marked it; expiry is also judged from `lastActivity`. */
  status: 'active' | 'expired';
  createdAt: number;
  lastActivity: number;
  workflow: WorkflowRecord | null;
  models: ModelRecord[];
  dataset: DatasetInfo | null;
  /** Size of the stored data set's Arrow IPC bytes. */
  dataBytes: number;
  /** When the data blob was last written (its TTL runs from then). */
  dataStoredAt: number | null;
  history: HistoryMessage[];
  /**
   * The message ids of the last accepted steps sent with one (`send`'s `messageId`),
   * oldest first, so a retried message is not applied twice.
   */
  appliedMessages?: string[];
}

/** How many applied message ids a record keeps. */
export const appliedMessageLimit = 32;

const timestamp = z.number().finite();

const snapshotSchema = z.looseObject({
  status: z.string(),
  value: z.unknown(),
  context: z.unknown().optional(),
});

const timerSchema = z.strictObject({
  id: z.string().min(1),
  event: z.looseObject({ type: z.string().min(1) }),
  dueAt: timestamp,
});

const leaseSchema = z.strictObject({
  workId: z.string().min(1),
  invokeId: z.string().min(1),
  src: z.string(),
  attempt: z.number().int().min(1),
  owner: z.string(),
  ownerName: z.string(),
  leaseUntil: timestamp,
  finished: z.literal(true).optional(),
});

const workflowSchema = z.strictObject({
  type: z.string().min(1),
  version: z.number().int(),
  instanceId: z.string().min(1),
  startedAt: timestamp,
  snapshot: snapshotSchema,
  timers: z.array(timerSchema).optional(),
  work: z.array(leaseSchema).optional(),
});

const datasetSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  columns: z.array(
    z.looseObject({ name: z.string(), type: z.enum(['number', 'string', 'boolean', 'date']) }),
  ),
  rowCount: z.number().int().nonnegative(),
});

const modelSchema = z.looseObject({
  modelId: z.string(),
  modelType: z.string(),
  target: z.string(),
  features: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
  datasetId: z.string(),
});

const historySchema = z.strictObject({
  role: z.enum(['user', 'assistant', 'system']),
  text: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  at: timestamp,
  messageId: z.string().optional(),
});

/** The zod schema every stored record is checked against when read. */
export const sessionRecordSchema = z.strictObject({
  format: z.literal(recordFormat),
  sessionId: z.string().min(1),
  userId: z.string(),
  conversationId: z.string(),
  status: z.enum(['active', 'expired']),
  createdAt: timestamp,
  lastActivity: timestamp,
  workflow: workflowSchema.nullable(),
  models: z.array(modelSchema),
  dataset: datasetSchema.nullable(),
  dataBytes: z.number().int().nonnegative(),
  dataStoredAt: timestamp.nullable(),
  history: z.array(historySchema),
  appliedMessages: z.array(z.string()).optional(),
});

/**
 * Reads a stored record; `undefined` when it is not JSON or does not fit
 * {@link sessionRecordSchema} (the runtime then quarantines it).
 *
 * @example
 * ```ts
 * const record = parseSessionRecord(stored.value);
 * if (record === undefined) quarantine(stored);
 * ```
 */
export function parseSessionRecord(text: string): SessionRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = sessionRecordSchema.safeParse(json);
  if (!result.success) return undefined;
  // The schema only checks (it transforms nothing); the parsed JSON keeps the key order
  // the snapshot was written in, which comparisons with a live actor's snapshot rely on.
  return json as SessionRecord;
}

/** Writes a record as the JSON string the store keeps. */
export function serializeSessionRecord(record: SessionRecord): string {
  return JSON.stringify(record);
}

/**
 * A new, empty session record.
 *
 * @example
 * ```ts
 * const record = createSessionRecord({ userId: '42', conversationId: 'chat-7' }, Date.now());
 * ```
 */
export function createSessionRecord(
  key: { userId: string; conversationId: string },
  now: number,
  sessionId: string = crypto.randomUUID(),
): SessionRecord {
  return {
    format: recordFormat,
    sessionId,
    userId: key.userId,
    conversationId: key.conversationId,
    status: 'active',
    createdAt: now,
    lastActivity: now,
    workflow: null,
    models: [],
    dataset: null,
    dataBytes: 0,
    dataStoredAt: null,
    history: [],
  };
}

/** True when a machine's output is a trained model record (it has a string `modelId`). */
function isModelOutput(output: unknown): output is ModelRecord {
  return (
    typeof output === 'object' &&
    output !== null &&
    typeof (output as { modelId?: unknown }).modelId === 'string'
  );
}

/** The pending timers and work leases of a workflow after a step. */
export interface WorkflowProgress {
  timers: WorkflowTimer[];
  work: WorkLease[];
}

/**
 * The record with its workflow at a new persisted snapshot. When the workflow just
 * finished with an output that has a `modelId` (ML training), the output is appended
 * to the session's models (once per model id). `progress`, when given, replaces the
 * workflow's timers and work leases (an empty list is left out of the record); a
 * workflow that reached a final state keeps neither.
 *
 * @example
 * ```ts
 * const next = withWorkflowSnapshot(record, machine.getPersistedSnapshot(nextSnapshot));
 * ```
 */
export function withWorkflowSnapshot(
  record: SessionRecord,
  snapshot: PersistedWorkflowSnapshot,
  progress?: WorkflowProgress,
): SessionRecord {
  if (record.workflow === null) return record;
  let models = record.models;
  const output = snapshot.output;
  if (
    snapshot.status === 'done' &&
    isModelOutput(output) &&
    !models.some((model) => model.modelId === output.modelId)
  ) {
    models = [...models, structuredClone(output)];
  }
  const { timers: _timers, work: _work, ...rest } = record.workflow;
  const timers = snapshot.status === 'active' ? (progress?.timers ?? _timers ?? []) : [];
  const work = snapshot.status === 'active' ? (progress?.work ?? _work ?? []) : [];
  const workflow: WorkflowRecord = { ...rest, snapshot };
  if (timers.length > 0) workflow.timers = timers;
  if (work.length > 0) workflow.work = work;
  return { ...record, workflow, models };
}

/**
 * The record with `messageId` added to the ids of applied messages (the last
 * {@link appliedMessageLimit} are kept).
 */
export function withAppliedMessage(record: SessionRecord, messageId: string | undefined) {
  if (messageId === undefined) return record;
  const applied = [...(record.appliedMessages ?? []), messageId].slice(-appliedMessageLimit);
  return { ...record, appliedMessages: applied };
}
