import type { DatasetInfo, ModelRecord } from '@chatflow/machines';
import { z } from 'zod';
import type { HistoryMessage, PersistedWorkflowSnapshot } from './types.ts';

/** The format number written into every record; a record of another format is unreadable. */
export const recordFormat = 1;

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
}

const timestamp = z.number().finite();

const snapshotSchema = z.looseObject({
  status: z.string(),
  value: z.unknown(),
  context: z.unknown().optional(),
});

const workflowSchema = z.strictObject({
  type: z.string().min(1),
  version: z.number().int(),
  instanceId: z.string().min(1),
  startedAt: timestamp,
  snapshot: snapshotSchema,
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

/**
 * The record with its workflow at a new persisted snapshot. When the workflow just
 * finished with an output that has a `modelId` (ML training), the output is appended
 * to the session's models (once per model id).
 *
 * @example
 * ```ts
 * const next = withWorkflowSnapshot(record, machine.getPersistedSnapshot(nextSnapshot));
 * ```
 */
export function withWorkflowSnapshot(
  record: SessionRecord,
  snapshot: PersistedWorkflowSnapshot,
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
  return { ...record, workflow: { ...record.workflow, snapshot }, models };
}
