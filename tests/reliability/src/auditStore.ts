import { parseStorageKey, type SessionStore } from '@chatflow/runtime';

/** What {@link auditStore} found in a store. */
export interface StoreAudit {
  /** Keys of session records that parse as JSON records of the runtime's format. */
  sessions: string[];
  /** Keys of quarantined records (set aside because they could not be read). */
  quarantined: string[];
  /** Keys of session records whose value is not a readable session record. */
  unreadable: string[];
  /** Keys of data blobs and user indexes. */
  other: string[];
  /** Keys under the runtime's prefix that are none of the runtime's key kinds. */
  foreign: string[];
}

/** True when `value` is a JSON session record naming this user and conversation. */
function isReadableRecord(value: string, userId: string, conversationId: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return false;
  }
  if (typeof json !== 'object' || json === null) return false;
  const record = json as Record<string, unknown>;
  return (
    record.format === 1 &&
    typeof record.sessionId === 'string' &&
    record.userId === userId &&
    record.conversationId === conversationId &&
    Array.isArray(record.history) &&
    Array.isArray(record.models)
  );
}

/**
 * Lists every key the runtime wrote to a store and reads every session record: no
 * half-written record (each parses, and names the session its key names), and what was
 * quarantined.
 *
 * @example
 * ```ts
 * const audit = await auditStore(store[sessionStoreSymbol]);
 * expect(audit.unreadable).toEqual([]);
 * expect(audit.quarantined).toEqual([]);
 * ```
 */
export async function auditStore(store: SessionStore, prefix = 'chatflow:'): Promise<StoreAudit> {
  const audit: StoreAudit = {
    sessions: [],
    quarantined: [],
    unreadable: [],
    other: [],
    foreign: [],
  };
  for await (const key of store.keys(prefix)) {
    const parsed = parseStorageKey(key);
    if (parsed === undefined) {
      audit.foreign.push(key);
      continue;
    }
    if (parsed.kind === 'quarantine') {
      audit.quarantined.push(key);
    } else if (parsed.kind === 'session') {
      const stored = await store.get(key);
      if (stored === undefined) continue;
      if (isReadableRecord(stored.value, parsed.userId, parsed.conversationId)) {
        audit.sessions.push(key);
      } else {
        audit.unreadable.push(key);
      }
    } else {
      audit.other.push(key);
    }
  }
  return audit;
}
