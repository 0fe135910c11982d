import type { NormalizedSessionKey } from './keys.ts';
import type { RuntimeClock } from './types.ts';

/** The longest delay a timer takes at once (Node's limit); a later alarm is re-armed. */
const longestDelayMs = 2 ** 31 - 1;

/**
 * One alarm per session: when the session next has something to do on its own (a
 * workflow timer falls due, a work lease needs renewing or has run out). Sessions are
 * held here whether or not they are live, so an evicted session's timer still fires.
 */
export interface SessionAgenda {
  /**
   * Sets the session's alarm to `at` (the runtime's clock); `undefined` removes it.
   * With `keepAlive`, a timeout handle that has `ref()` (Node's) is ref'd, so the
   * process waits for it: work in flight is waited for, a workflow timer is not.
   */
  arm(
    storageKey: string,
    key: NormalizedSessionKey,
    at: number | undefined,
    keepAlive?: boolean,
  ): void;
  /** Removes the session's alarm. */
  disarm(storageKey: string): void;
  /** When the session's alarm rings, if it has one. */
  dueAt(storageKey: string): number | undefined;
  /** The number of sessions with an alarm. */
  readonly size: number;
  /** Removes every alarm and refuses new ones. */
  close(): void;
}

/** Options of {@link createSessionAgenda}. */
export interface SessionAgendaOptions {
  clock: RuntimeClock;
  now: () => number;
  /** Called when a session's alarm rings (its alarm is removed first). */
  onDue(storageKey: string, key: NormalizedSessionKey): void;
}

interface Alarm {
  key: NormalizedSessionKey;
  at: number;
  keepAlive: boolean;
  handle: unknown;
  /** Set when the alarm rings through a microtask (already due when armed). */
  immediate: boolean;
}

/**
 * Creates the agenda of a runtime. Alarms go through the injected {@link RuntimeClock}
 * (the tests drive it); one already due rings on the next microtask, without the clock.
 *
 * @example
 * ```ts
 * const agenda = createSessionAgenda({ clock: systemClock, now: Date.now, onDue: tick });
 * agenda.arm(storageKey, key, record.workflow.timers[0].dueAt);
 * ```
 */
export function createSessionAgenda(options: SessionAgendaOptions): SessionAgenda {
  const { clock, now, onDue } = options;
  const alarms = new Map<string, Alarm>();
  let closed = false;

  function cancel(storageKey: string): void {
    const alarm = alarms.get(storageKey);
    if (alarm === undefined) return;
    alarms.delete(storageKey);
    if (!alarm.immediate) clock.clearTimeout(alarm.handle);
  }

  function ring(storageKey: string, alarm: Alarm): void {
    if (alarms.get(storageKey) !== alarm) return;
    if (!alarm.immediate && alarm.at > now()) {
      // Woken early: the delay was capped, or the clock was moved back.
      alarms.delete(storageKey);
      arm(storageKey, alarm.key, alarm.at, alarm.keepAlive);
      return;
    }
    alarms.delete(storageKey);
    onDue(storageKey, alarm.key);
  }

  function arm(
    storageKey: string,
    key: NormalizedSessionKey,
    at: number | undefined,
    keepAlive = false,
  ): void {
    if (closed) return;
    const current = alarms.get(storageKey);
    if (at === undefined) {
      cancel(storageKey);
      return;
    }
    if (current !== undefined && current.at === at && current.keepAlive === keepAlive) return;
    cancel(storageKey);
    const delay = at - now();
    const alarm: Alarm = { key, at, keepAlive, handle: undefined, immediate: delay <= 0 };
    alarms.set(storageKey, alarm);
    if (alarm.immediate) {
      queueMicrotask(() => ring(storageKey, alarm));
      return;
    }
    alarm.handle = clock.setTimeout(() => ring(storageKey, alarm), Math.min(delay, longestDelayMs));
    if (keepAlive) (alarm.handle as { ref?: () => unknown } | undefined)?.ref?.();
  }

  return {
    arm,
    disarm: cancel,
    dueAt: (storageKey) => alarms.get(storageKey)?.at,
    get size() {
      return alarms.size;
    },
    close() {
      closed = true;
      for (const storageKey of [...alarms.keys()]) cancel(storageKey);
    },
  };
}
