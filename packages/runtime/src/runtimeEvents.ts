import type { Logger } from 'pino';
import type {
  RuntimeEvent,
  RuntimeEventListener,
  RuntimeEventMap,
  RuntimeEventType,
} from './types.ts';

/** The runtime's event hub: listeners by type and an audit line per event. */
export interface RuntimeEvents {
  on<T extends RuntimeEventType>(type: T, listener: RuntimeEventListener<T>): () => void;
  emit(event: RuntimeEvent): void;
}

/** The first 8 characters of an id, for logs. */
export function truncateId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** The audit fields of an event: ids truncated, never message text, context or data. */
function auditFields(event: RuntimeEvent): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    event: event.type,
    user: truncateId(event.key.userId),
    conversation: truncateId(event.key.conversationId),
    session: truncateId(event.sessionId),
  };
  if ('workflow' in event) fields.workflow = event.workflow;
  if ('state' in event) fields.state = event.state;
  if ('from' in event) fields.from = event.from;
  if ('source' in event) fields.source = event.source;
  if ('reason' in event) fields.reason = event.reason;
  if ('code' in event) fields.code = event.code;
  if ('eventType' in event) fields.eventType = event.eventType;
  if ('replaced' in event && event.replaced !== undefined) fields.replaced = event.replaced;
  return fields;
}

/**
 * Creates the event hub. A listener that throws is logged and does not stop the other
 * listeners or the runtime.
 *
 * @example
 * ```ts
 * const events = createRuntimeEvents(logger);
 * const off = events.on('workflow.completed', (event) => notify(event.key));
 * ```
 */
export function createRuntimeEvents(logger: Logger): RuntimeEvents {
  const listeners = new Map<RuntimeEventType, Set<(event: RuntimeEvent) => void>>();
  return {
    on(type, listener) {
      let set = listeners.get(type);
      if (set === undefined) {
        set = new Set();
        listeners.set(type, set);
      }
      const wrapped = listener as (event: RuntimeEvent) => void;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
    emit(event) {
      // The audit line's fields are built only when it is written.
      if (logger.isLevelEnabled('info')) logger.info(auditFields(event), 'chatflow audit');
      const set = listeners.get(event.type);
      if (set === undefined) return;
      for (const listener of [...set]) {
        try {
          listener(event as RuntimeEventMap[typeof event.type]);
        } catch (error) {
          logger.error(
            { event: event.type, error: error instanceof Error ? error.name : typeof error },
            'chatflow event listener threw',
          );
        }
      }
    },
  };
}
