import type { Logger } from 'pino';
import { pino } from 'pino';
import { resolveConfig } from './config.ts';
import { type ExpiryPolicy, expiryPolicy } from './expiry.ts';
import { dataStorageKey, type NormalizedSessionKey } from './keys.ts';
import { createMemoryStore } from './memoryStore.ts';
import { resolveSessionStore } from './resolveSessionStore.ts';
import { createRuntimeEvents, type RuntimeEvents, truncateId } from './runtimeEvents.ts';
import { createSessionAccess, type SessionAccess } from './sessionAccess.ts';
import { createSessionAgenda, type SessionAgenda } from './sessionAgenda.ts';
import { createSessionLines, type SessionLines } from './sessionLine.ts';
import type { SessionRecord, WorkflowRecord, WorkLease } from './sessionRecord.ts';
import {
  createSessionRegistry,
  type LiveSession,
  type SessionRegistry,
} from './sessionRegistry.ts';
import { createSessionUpkeep, type SessionUpkeep } from './sessionUpkeep.ts';
import { createStoreAccess, type StoreAccess } from './storeAccess.ts';
import { systemClock } from './systemClock.ts';
import type { PersistedWorkflowSnapshot, RuntimeConfig, RuntimeOptions } from './types.ts';
import { prepareWorkflows, type WorkflowCatalogue } from './workflowCatalogue.ts';
import { createWorkflowStates, type WorkflowStates } from './workflowStates.ts';
import { createWorkflowSteps, type WorkflowSteps } from './workflowSteps.ts';
import type { StepAction } from './workflowTimers.ts';
import { type LeaseHolder, nextLeases } from './workLeases.ts';
import { createWorkRunner, type WorkRunner } from './workRunner.ts';

/** What every part of a runtime shares: settings, store, lines, registry, workflow states, events. */
export interface RuntimeCore {
  config: RuntimeConfig;
  policy: ExpiryPolicy;
  now: () => number;
  logger: Logger;
  access: StoreAccess;
  catalogue: WorkflowCatalogue;
  lines: SessionLines;
  events: RuntimeEvents;
  registry: SessionRegistry;
  sessions: SessionAccess;
  /** The live workflow state of each session (and its inspector mirror). */
  states: WorkflowStates;
  /** The alarms of sessions with timers or work to look after. */
  agenda: SessionAgenda;
  /** Durable steps of machine events (user events, timers, finished work). */
  steps: WorkflowSteps;
  /** Timers and work of sessions, run without a message. */
  upkeep: SessionUpkeep;
  /** The invoked work this runtime runs. */
  runner: WorkRunner;
  /** This runtime as a holder of work leases. */
  holder: LeaseHolder;
  /**
   * The work leases of a workflow after a step, given the step's actions: work it
   * started gets a fresh lease held by this runtime (see `nextLeases`).
   */
  leasesAfter(
    type: string,
    previous: readonly WorkLease[],
    snapshot: PersistedWorkflowSnapshot,
    actions: readonly StepAction[],
    finishedWork?: string,
  ): WorkLease[];
  /** Live sessions evicted to stay within `maxConcurrentSessions`. */
  evictions: { count: number };
  /** Sessions this runtime marked expired, with the end of their grace period. */
  inGrace: Map<string, { key: NormalizedSessionKey; until: number }>;
  /** The fields every event about a session starts with. */
  eventBase(session: { key: NormalizedSessionKey; record: SessionRecord }): {
    key: NormalizedSessionKey;
    sessionId: string;
    at: number;
  };
  /** The record with its last activity set to now. */
  touched(record: SessionRecord): SessionRecord;
  /** The session's workflow while it is active (not in a final state). */
  activeWorkflow(session: LiveSession): WorkflowRecord | null;
  /** Stops a deleted session's work and removes its alarm. */
  forgetUpkeep(storageKey: string): void;
  /** Deletes a record's data blob; a failure is logged, not thrown (the blob's TTL remains). */
  dropBlob(record: SessionRecord): Promise<boolean>;
  /** Logs a warning about a session, its ids truncated. */
  warn(message: string, key: NormalizedSessionKey, fields?: Record<string, unknown>): void;
}

/**
 * Builds the shared core of a runtime from its options: the config validated, the
 * store resolved and wrapped, the catalogue prepared, and the lines, registry, session
 * access and workflow states wired to each other.
 *
 * @example
 * ```ts
 * const core = createRuntimeCore({ workflows });
 * core.config.sessionTimeoutMinutes; // 30
 * ```
 */
export function createRuntimeCore(options: RuntimeOptions): RuntimeCore {
  const config = resolveConfig(options.config ?? {});
  const now = options.now ?? Date.now;
  const clock = options.clock ?? systemClock;
  if (options.owner !== undefined && (typeof options.owner !== 'string' || options.owner === '')) {
    throw new TypeError('createRuntime takes an owner that is a non-empty string.');
  }
  const holderId = crypto.randomUUID();
  const holder: LeaseHolder = { id: holderId, name: options.owner ?? holderId };
  const leaseMs = config.workLeaseSeconds * 1000;
  const logger = options.logger ?? pino({ name: 'chatflow', level: 'warn' });
  const access = createStoreAccess(
    resolveSessionStore(options.store ?? createMemoryStore({ now })),
    now,
    logger,
  );
  const catalogue = prepareWorkflows(options.workflows, options.actors ?? {});
  const policy = expiryPolicy(config);
  const lines = createSessionLines();
  const events = createRuntimeEvents(logger);
  const evictions = { count: 0 };

  // The registry asks the work runner whether a session runs work, and the session
  // access re-arms each record it reads or writes through the upkeep, built on both.
  let upkeep!: SessionUpkeep;
  let runner!: WorkRunner;
  const states = createWorkflowStates({ logger, inspect: options.inspect });
  function leasesAfter(
    type: string,
    previous: readonly WorkLease[],
    snapshot: PersistedWorkflowSnapshot,
    actions: readonly StepAction[],
    finishedWork?: string,
  ): WorkLease[] {
    const sources = catalogue.get(type)?.workSources ?? new Set<string>();
    return nextLeases(previous, snapshot, actions, sources, holder, now() + leaseMs, finishedWork);
  }
  const leasesOf = (
    session: LiveSession,
    snapshot: PersistedWorkflowSnapshot,
    actions: readonly StepAction[],
    finishedWork?: string,
  ): WorkLease[] => {
    const workflow = session.record.workflow;
    if (workflow === null) return [];
    return leasesAfter(workflow.type, workflow.work ?? [], snapshot, actions, finishedWork);
  };
  const registry = createSessionRegistry({
    max: config.maxConcurrentSessions,
    isBusy: (session) =>
      lines.isBusy(session.storageKey) ||
      runner.of(session.storageKey).some((run) => run.outcome === undefined),
    onEvict: (session, reason) => {
      states.detach(session);
      if (reason !== 'capacity') return;
      evictions.count += 1;
      events.emit({
        type: 'session.evicted',
        key: { ...session.key },
        sessionId: session.record.sessionId,
        at: now(),
        reason,
      });
    },
  });
  const sessions = createSessionAccess({
    access,
    registry,
    catalogue,
    migrations: options.migrations ?? {},
    policy,
    now,
    trustLive: config.trustLiveSessions,
    onWorkflowChanged: (session) => states.detach(session),
    onRecord: (session) => upkeep.track(session),
  });
  const touched = (record: SessionRecord): SessionRecord => ({ ...record, lastActivity: now() });
  const steps = createWorkflowSteps({
    states,
    catalogue,
    events,
    sessions,
    now,
    touched,
    leasesAfter: leasesOf,
  });
  const agenda = createSessionAgenda({
    clock,
    now,
    onDue: (storageKey, key) => void upkeep.tick(storageKey, key),
  });
  runner = createWorkRunner({
    logger,
    inspect: options.inspect,
    onSettled: (run) => void upkeep.tick(run.storageKey, run.key),
  });
  upkeep = createSessionUpkeep({
    access,
    agenda,
    catalogue,
    runner,
    holder,
    leaseMs,
    maxAttempts: config.maxWorkAttempts,
    lines,
    logger,
    now,
    registry,
    sessions,
    steps,
  });

  return {
    config,
    policy,
    now,
    logger,
    access,
    catalogue,
    lines,
    events,
    registry,
    sessions,
    states,
    agenda,
    steps,
    upkeep,
    runner,
    holder,
    leasesAfter,
    evictions,
    inGrace: new Map(),
    eventBase: (session) => ({
      key: { ...session.key },
      sessionId: session.record.sessionId,
      at: now(),
    }),
    touched,
    forgetUpkeep(storageKey) {
      for (const run of runner.of(storageKey)) runner.stop(run);
      agenda.disarm(storageKey);
    },
    activeWorkflow(session) {
      const workflow = session.record.workflow;
      return workflow !== null && workflow.snapshot.status === 'active' ? workflow : null;
    },
    async dropBlob(record) {
      if (record.dataset === null) return false;
      const key = dataStorageKey(record.userId, record.sessionId, record.dataset.id);
      try {
        return await access.call((store) => store.deleteBytes(key));
      } catch {
        return false;
      }
    },
    warn(message, key, fields = {}) {
      logger.warn(
        { user: truncateId(key.userId), conversation: truncateId(key.conversationId), ...fields },
        message,
      );
    },
  };
}
