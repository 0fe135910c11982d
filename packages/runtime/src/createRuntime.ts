import type { DatasetInfo, WorkflowInput } from '@chatflow/machines';
import { pino } from 'pino';
import { initialTransition, transition } from 'xstate';
import { acceptedEvents, candidateTransitions, matchesDescriptor } from './acceptedEvents.ts';
import { announceStep } from './announceStep.ts';
import { resolveConfig } from './config.ts';
import { datasetInfoOf, isArrowTable, tableFromBytes, tableToBytes } from './dataset.ts';
import { DataTooLargeError, UnknownWorkflowError } from './errors.ts';
import { expiryPolicy } from './expiry.ts';
import { explainRefusal } from './explainRefusal.ts';
import {
  dataStorageKey,
  type NormalizedSessionKey,
  normalizeSessionKey,
  normalizeUserId,
  parseStorageKey,
  quarantineStorageKey,
  sessionStorageKey,
  userIndexKey,
  userKeyPrefix,
} from './keys.ts';
import { createMemoryStore } from './memoryStore.ts';
import { parseUserEvent } from './parseUserEvent.ts';
import { resolveSessionStore } from './resolveSessionStore.ts';
import { createRuntimeEvents, truncateId } from './runtimeEvents.ts';
import { createSessionAccess, type LoadedSession, retry } from './sessionAccess.ts';
import { createSessionLines } from './sessionLine.ts';
import {
  createSessionRecord,
  parseSessionRecord,
  type SessionRecord,
  withWorkflowSnapshot,
} from './sessionRecord.ts';
import { createSessionRegistry, type LiveSession } from './sessionRegistry.ts';
import { sessionView } from './sessionView.ts';
import { createStoreAccess } from './storeAccess.ts';
import type {
  CleanupResult,
  ForgetResult,
  HistoryMessage,
  PersistedWorkflowSnapshot,
  Runtime,
  RuntimeOptions,
  RuntimeStats,
  SessionKey,
  SessionView,
  StepFailure,
  StepResult,
} from './types.ts';
import { createWorkflowActors } from './workflowActors.ts';
import { prepareWorkflows, promptOf, stateName } from './workflowCatalogue.ts';

/** How long a quarantined record is kept for inspection. */
const quarantineTtlMs = 7 * 24 * 60 * 60_000;

const historyRoles = new Set(['user', 'assistant', 'system']);

/**
 * Creates a chatflow runtime: one workflow actor per chat session, operations of a
 * session one at a time in arrival order, every accepted step written to the store
 * before it is reported, idle sessions expired with a grace period, history and Arrow
 * data per session. See the package README for the guarantees.
 *
 * @example
 * ```ts
 * import { workflows } from '@chatflow/machines';
 * import { createRuntime } from '@chatflow/runtime';
 * import { fromPromise } from 'xstate';
 *
 * const runtime = createRuntime({
 *   workflows,
 *   actors: { trainModel: fromPromise(async ({ input }) => train(input)) },
 * });
 * await runtime.start();
 * const key = { userId: 42, conversationId: 'chat-7' };
 * await runtime.getOrCreateSession(key);
 * await runtime.startWorkflow(key, 'ml_training');
 * const step = await runtime.send(key, { type: 'target.selected', column: 'price' });
 * if (!step.ok) console.log(step.message);
 * await runtime.shutdown();
 * ```
 * @throws ConfigError when `config` has a value that is not accepted.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const config = resolveConfig(options.config ?? {});
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ name: 'chatflow', level: 'warn' });
  const access = createStoreAccess(
    resolveSessionStore(options.store ?? createMemoryStore({ now })),
    now,
    logger,
  );
  const catalogue = prepareWorkflows(options.workflows, options.actors ?? {});
  const policy = expiryPolicy(config);
  const maxDataBytes = Math.floor(config.maxDataSizeMb * 2 ** 20);
  const lines = createSessionLines();
  const events = createRuntimeEvents(logger);
  /** Sessions this runtime marked expired, with the end of their grace period. */
  const inGrace = new Map<string, { key: NormalizedSessionKey; until: number }>();
  let cleanupCycles = 0;
  let cleanupRunning: Promise<CleanupResult> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  // The registry and the actors need each other: the registry asks whether a session
  // runs work and stops actors it evicts.
  let actors!: ReturnType<typeof createWorkflowActors>;
  const registry = createSessionRegistry({
    max: config.maxConcurrentSessions,
    isBusy: (session) => lines.isBusy(session.storageKey) || actors.hasRunningWork(session),
    onEvict: (session) => actors.detach(session),
  });
  const sessions = createSessionAccess({
    access,
    registry,
    catalogue,
    migrations: options.migrations ?? {},
    policy,
    now,
    onWorkflowChanged: (session) => actors.detach(session),
  });
  actors = createWorkflowActors({
    sessions,
    lines,
    events,
    catalogue,
    logger,
    now,
    inspect: options.inspect,
  });

  function baseOf(session: { key: NormalizedSessionKey; record: SessionRecord }) {
    return { key: { ...session.key }, sessionId: session.record.sessionId, at: now() };
  }

  function audit(message: string, key: NormalizedSessionKey, fields: Record<string, unknown> = {}) {
    logger.warn(
      { user: truncateId(key.userId), conversation: truncateId(key.conversationId), ...fields },
      message,
    );
  }

  function touched(record: SessionRecord): SessionRecord {
    return { ...record, lastActivity: now() };
  }

  function workflowOf(session: LiveSession) {
    const workflow = session.record.workflow;
    return workflow !== null && workflow.snapshot.status === 'active' ? workflow : null;
  }

  function success(session: LiveSession, replaced?: string): StepResult {
    const workflow = session.record.workflow!;
    const machine = catalogue.get(workflow.type)!.machine;
    const result: StepResult = {
      ok: true,
      workflow: workflow.type,
      state: stateName(workflow.snapshot.value),
      prompt: promptOf(machine, workflow.snapshot.value),
      done: workflow.snapshot.status !== 'active',
      context: structuredClone(workflow.snapshot.context),
    };
    if (replaced !== undefined) result.replaced = replaced;
    return result;
  }

  function failure(code: StepFailure['code'], message: string, state: string | null): StepFailure {
    return { ok: false, code, message, state };
  }

  /** Deletes a data blob, logging (not throwing) when that fails: its TTL remains. */
  async function dropBlob(record: SessionRecord): Promise<boolean> {
    if (record.dataset === null) return false;
    const key = dataStorageKey(record.userId, record.sessionId, record.dataset.id);
    try {
      return await access.call((store) => store.deleteBytes(key));
    } catch {
      return false;
    }
  }

  /** Keeps the data blob alive as long as its session: rewrites it once half its TTL ran. */
  async function refreshedData(record: SessionRecord): Promise<SessionRecord> {
    if (record.dataset === null || record.dataStoredAt === null) return record;
    if (now() - record.dataStoredAt < policy.recordTtlMs / 2) return record;
    const key = dataStorageKey(record.userId, record.sessionId, record.dataset.id);
    const bytes = await access.call((store) => store.getBytes(key));
    if (bytes === undefined) return record;
    await access.call((store) => store.setBytes(key, bytes, { ttlMs: policy.recordTtlMs }));
    return { ...record, dataStoredAt: now() };
  }

  async function quarantine(
    storageKey: string,
    key: NormalizedSessionKey,
    loaded: Extract<LoadedSession, { kind: 'unreadable' }>,
  ): Promise<void> {
    const target = quarantineStorageKey(key, `${now()}-${loaded.revision}`);
    await access.call((store) =>
      store.compareAndSet(
        target,
        0,
        { value: loaded.value, revision: 1 },
        { ttlMs: quarantineTtlMs, index: { key: userIndexKey(key.userId), member: target } },
      ),
    );
    audit('chatflow quarantined an unreadable session record', key, {
      revision: loaded.revision,
      bytes: loaded.value.length,
      storageKey: storageKey.length > 80 ? `${storageKey.slice(0, 80)}…` : storageKey,
    });
  }

  /** Writes a fresh session at a key (replacing what was there) and registers it. */
  async function createFresh(
    storageKey: string,
    key: NormalizedSessionKey,
    expected: number,
  ): Promise<LiveSession | typeof retry> {
    const record = createSessionRecord(key, now());
    if (!(await sessions.writeAt(storageKey, expected, record))) return retry;
    const session: LiveSession = {
      storageKey,
      key,
      record,
      revision: expected + 1,
      applying: false,
      syncQueued: false,
      evicted: false,
    };
    registry.set(session);
    events.emit({ type: 'session.created', ...baseOf(session) });
    return session;
  }

  /** Resumes invoked work that a recovered or reloaded session was running. */
  function resumeWork(session: LiveSession): void {
    const workflow = workflowOf(session);
    if (workflow === null || session.actor !== undefined) return;
    const children = (workflow.snapshot as { children?: Record<string, unknown> }).children;
    if (children === undefined || Object.keys(children).length === 0) return;
    const prepared = catalogue.get(workflow.type);
    if (prepared !== undefined) actors.ensure(session, prepared);
  }

  async function getOrCreateSession(input: SessionKey): Promise<SessionView> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const loaded = await sessions.load(storageKey, key);
        if (loaded.kind === 'missing') {
          const session = await createFresh(storageKey, key, 0);
          if (session === retry) return retry;
          return sessionView(catalogue, session.record, session.revision, 'active');
        }
        if (loaded.kind === 'unreadable') {
          await quarantine(storageKey, key, loaded);
          const session = await createFresh(storageKey, key, loaded.revision);
          if (session === retry) return retry;
          return sessionView(catalogue, session.record, session.revision, 'active', {
            reset: 'unreadable',
          });
        }
        const session = loaded.session;
        const { record } = session;
        const phase = sessions.phaseOf(record);
        if (phase !== 'active' && record.status === 'active') {
          events.emit({ type: 'session.expired', ...baseOf(session) });
        }
        if (phase === 'gone') {
          const old = { ...session };
          actors.detach(session);
          registry.delete(storageKey);
          inGrace.delete(storageKey);
          const fresh = await createFresh(storageKey, key, old.revision);
          if (fresh === retry) return retry;
          await dropBlob(old.record);
          events.emit({ type: 'session.deleted', ...baseOf(old), reason: 'expired' });
          return sessionView(catalogue, fresh.record, fresh.revision, 'active', {
            reset: 'expired',
          });
        }
        await actors.flush(session);
        const next = await refreshedData({ ...touched(session.record), status: 'active' });
        if (!(await sessions.write(session, next))) return retry;
        inGrace.delete(storageKey);
        resumeWork(session);
        const reset = session.pendingReset;
        delete session.pendingReset;
        if (phase === 'grace') {
          events.emit({ type: 'session.recovered', ...baseOf(session) });
          return sessionView(catalogue, session.record, session.revision, 'active', {
            recovered: true,
          });
        }
        return sessionView(
          catalogue,
          session.record,
          session.revision,
          'active',
          reset === undefined ? {} : { reset },
        );
      }),
    );
  }

  async function getSession(input: SessionKey): Promise<SessionView | undefined> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const loaded = await sessions.load(storageKey, key);
      if (loaded.kind !== 'found') return undefined;
      const { record, revision } = loaded.session;
      const phase = sessions.phaseOf(record);
      if (phase === 'gone') return undefined;
      return sessionView(catalogue, record, revision, phase === 'active' ? 'active' : 'expired');
    });
  }

  async function deleteSession(input: SessionKey): Promise<void> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    lines.interrupt(storageKey);
    await lines.run(storageKey, async () => {
      const loaded = await sessions.load(storageKey, key);
      if (loaded.kind === 'missing') {
        await sessions.requireActive(storageKey, key);
        return;
      }
      const index = { key: userIndexKey(key.userId), member: storageKey };
      await access.call((store) => store.delete(storageKey, { index }));
      inGrace.delete(storageKey);
      if (loaded.kind === 'found') {
        const { session } = loaded;
        registry.delete(storageKey);
        await dropBlob(session.record);
        events.emit({ type: 'session.deleted', ...baseOf(session), reason: 'deleted' });
      }
    });
  }

  async function startWorkflow(input: SessionKey, workflowType: string): Promise<StepResult> {
    const key = normalizeSessionKey(input);
    const prepared = catalogue.get(String(workflowType));
    if (prepared === undefined)
      throw new UnknownWorkflowError(String(workflowType), catalogue.types);
    const storageKey = sessionStorageKey(key);
    lines.interrupt(storageKey);
    return lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        await actors.flush(session);
        const running = workflowOf(session);
        const workflowInput: WorkflowInput = { models: structuredClone(session.record.models) };
        const [initial] = initialTransition(prepared.machine, workflowInput);
        const snapshot = prepared.machine.getPersistedSnapshot(
          initial,
        ) as unknown as PersistedWorkflowSnapshot;
        const started: SessionRecord = {
          ...touched(session.record),
          workflow: {
            type: prepared.type,
            version: prepared.definition.version,
            instanceId: crypto.randomUUID(),
            startedAt: now(),
            snapshot,
          },
        };
        const next = withWorkflowSnapshot(started, snapshot);
        if (!(await sessions.write(session, next))) return retry;
        if (running !== null) {
          events.emit({
            type: 'workflow.cancelled',
            ...baseOf(session),
            workflow: running.type,
            state: stateName(running.snapshot.value),
            reason: 'replaced',
          });
        }
        if (snapshot.status === 'active') actors.startFresh(session, prepared, workflowInput);
        else actors.detach(session);
        const result = success(session, running?.type);
        events.emit({
          type: 'workflow.started',
          ...baseOf(session),
          workflow: prepared.type,
          state: result.ok ? result.state : '',
          prompt: result.ok ? result.prompt : '',
          done: result.ok ? result.done : false,
          context: result.ok ? result.context : undefined,
          ...(running === null ? {} : { replaced: running.type }),
        });
        return result;
      }),
    );
  }

  async function send(input: SessionKey, event: unknown): Promise<StepResult> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.runForWorkflow(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        await actors.flush(session);
        const workflow = workflowOf(session);
        if (workflow === null) {
          return failure(
            'NO_ACTIVE_WORKFLOW',
            `There is no workflow running. Start one of: ${catalogue.types.join(', ')}.`,
            null,
          );
        }
        const prepared = catalogue.get(workflow.type)!;
        const value = workflow.snapshot.value;
        const state = stateName(value);
        const prompt = promptOf(prepared.machine, value);
        const accepted = acceptedEvents(prepared.machine, value);
        const invalid = (problem: string) =>
          failure(
            'INVALID_EVENT',
            `${problem} ${prompt}${prompt === '' ? '' : ' '}This step accepts: ${
              accepted.length === 0 ? 'no events' : accepted.join(', ')
            }.`.trim(),
            state,
          );
        if (
          typeof event !== 'object' ||
          event === null ||
          typeof (event as { type?: unknown }).type !== 'string'
        ) {
          return invalid('That is not an event (an object with a string type).');
        }
        const raw = event as { type: string; [field: string]: unknown };
        const type = raw.type;
        if (type.startsWith('xstate.') || !accepted.some((d) => matchesDescriptor(d, type))) {
          return invalid(`"${type.slice(0, 60)}" does nothing in this step.`);
        }
        const parsed = parseUserEvent(prepared.definition.events[type], raw);
        if (!parsed.ok) return invalid(`"${type.slice(0, 60)}" is malformed: ${parsed.problem}.`);
        const actor = actors.ensure(session, prepared);
        const current = actor.getSnapshot();
        if (!current.can(parsed.event)) {
          const candidates = candidateTransitions(prepared.machine, value, type);
          const message = explainRefusal(prepared.definition, prepared.machine, candidates, {
            context: current.context,
            event: parsed.event,
          });
          return failure('PREREQUISITE_NOT_MET', message, state);
        }
        const [nextSnapshot] = transition(prepared.machine, current, parsed.event);
        const snapshot = prepared.machine.getPersistedSnapshot(
          nextSnapshot,
        ) as unknown as PersistedWorkflowSnapshot;
        const next = withWorkflowSnapshot(touched(session.record), snapshot);
        if (!(await sessions.write(session, next))) return retry;
        actors.deliver(session, parsed.event);
        announceStep(events, catalogue, session, state, snapshot, 'user', now());
        return success(session);
      }),
    );
  }

  async function cancelWorkflow(input: SessionKey) {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    lines.interrupt(storageKey);
    return lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        await actors.flush(session);
        const running = workflowOf(session);
        if (running === null) return { cancelled: false, workflow: null };
        if (!(await sessions.write(session, { ...touched(session.record), workflow: null }))) {
          return retry;
        }
        actors.detach(session);
        events.emit({
          type: 'workflow.cancelled',
          ...baseOf(session),
          workflow: running.type,
          state: stateName(running.snapshot.value),
          reason: 'cancelled',
        });
        return { cancelled: true, workflow: running.type };
      }),
    );
  }

  async function storeData(
    input: SessionKey,
    table: Parameters<Runtime['storeData']>[1],
    storeOptions: Parameters<Runtime['storeData']>[2] = {},
  ): Promise<DatasetInfo> {
    const key = normalizeSessionKey(input);
    if (!isArrowTable(table)) throw new TypeError('storeData takes an Apache Arrow Table.');
    const bytes = tableToBytes(table);
    if (bytes.byteLength > maxDataBytes)
      throw new DataTooLargeError(bytes.byteLength, maxDataBytes);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const session = await sessions.requireActive(storageKey, key);
      const info = datasetInfoOf(table, storeOptions.name ?? 'data');
      const dataKey = dataStorageKey(key.userId, session.record.sessionId, info.id);
      await access.call((store) => store.setBytes(dataKey, bytes, { ttlMs: policy.recordTtlMs }));
      let previous: SessionRecord | undefined;
      try {
        await sessions.retrying(async () => {
          const current = await sessions.requireActive(storageKey, key);
          previous = current.record;
          const next: SessionRecord = {
            ...touched(current.record),
            dataset: info,
            dataBytes: bytes.byteLength,
            dataStoredAt: now(),
          };
          return (await sessions.write(current, next)) ? true : retry;
        });
      } catch (error) {
        await access.call((store) => store.deleteBytes(dataKey)).catch(() => false);
        throw error;
      }
      if (previous !== undefined) await dropBlob(previous);
      return structuredClone(info);
    });
  }

  async function getData(input: SessionKey) {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const { record } = await sessions.requireActive(storageKey, key);
      if (record.dataset === null) return undefined;
      const dataKey = dataStorageKey(key.userId, record.sessionId, record.dataset.id);
      const bytes = await access.call((store) => store.getBytes(dataKey));
      if (bytes === undefined) {
        audit('chatflow found no data blob for a session that has a data set', key);
        return undefined;
      }
      return tableFromBytes(bytes);
    });
  }

  async function clearData(input: SessionKey): Promise<void> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    await lines.run(storageKey, async () => {
      let previous: SessionRecord | undefined;
      await sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        previous = session.record;
        if (session.record.dataset === null) return true;
        const next: SessionRecord = {
          ...touched(session.record),
          dataset: null,
          dataBytes: 0,
          dataStoredAt: null,
        };
        return (await sessions.write(session, next)) ? true : retry;
      });
      if (previous !== undefined) await dropBlob(previous);
    });
  }

  async function addToHistory(input: SessionKey, message: Parameters<Runtime['addToHistory']>[1]) {
    const key = normalizeSessionKey(input);
    if (
      typeof message !== 'object' ||
      message === null ||
      !historyRoles.has(message.role) ||
      typeof message.text !== 'string' ||
      (message.metadata !== undefined &&
        (typeof message.metadata !== 'object' || message.metadata === null))
    ) {
      throw new TypeError(
        'addToHistory takes { role: "user" | "assistant" | "system", text: string, metadata?: object }.',
      );
    }
    const entry: HistoryMessage = { role: message.role, text: message.text, at: now() };
    if (message.metadata !== undefined) entry.metadata = structuredClone(message.metadata);
    const storageKey = sessionStorageKey(key);
    await lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        const history = [...session.record.history, entry].slice(-config.maxHistoryMessages);
        return (await sessions.write(session, { ...touched(session.record), history }))
          ? undefined
          : retry;
      }),
    );
  }

  async function getHistory(input: SessionKey, n = 5): Promise<HistoryMessage[]> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const { record } = await sessions.requireActive(storageKey, key);
      const count = Math.max(0, Math.floor(n));
      return count === 0 ? [] : structuredClone(record.history.slice(-count));
    });
  }

  async function forgetUser(userId: string | number): Promise<ForgetResult> {
    const id = normalizeUserId(userId);
    const index = userIndexKey(id);
    const keys = new Set(await access.call((store) => store.members(index)));
    for (const session of registry.values())
      if (session.key.userId === id) keys.add(session.storageKey);
    try {
      for await (const key of access.store.keys(userKeyPrefix(id))) keys.add(key);
    } catch {
      // listing is a second net under the index; a store that cannot list relies on the index
    }
    const result: ForgetResult = {
      userId: id,
      sessions: 0,
      dataBlobs: 0,
      quarantined: 0,
      conversationIds: [],
    };
    const deletedBlobs = new Set<string>();
    const removeBlob = async (dataKey: string) => {
      if (deletedBlobs.has(dataKey)) return;
      deletedBlobs.add(dataKey);
      if (await access.call((store) => store.deleteBytes(dataKey))) result.dataBlobs += 1;
    };
    for (const key of keys) {
      const parsed = parseStorageKey(key);
      if (parsed === undefined || parsed.userId !== id || parsed.kind === 'index') continue;
      if (parsed.kind === 'data') {
        await removeBlob(key);
        continue;
      }
      const member = { key: index, member: key };
      if (parsed.kind === 'quarantine') {
        if (await access.call((store) => store.delete(key, { index: member })))
          result.quarantined += 1;
        continue;
      }
      lines.interrupt(key);
      await lines.run(key, async () => {
        const stored = await access.call((store) => store.get(key));
        const record = stored === undefined ? undefined : parseSessionRecord(stored.value);
        const live = registry.peek(key);
        if (live !== undefined) registry.delete(key);
        inGrace.delete(key);
        if (record?.dataset != null) {
          await removeBlob(dataStorageKey(id, record.sessionId, record.dataset.id));
        }
        if (await access.call((store) => store.delete(key, { index: member }))) {
          result.sessions += 1;
          result.conversationIds.push(parsed.conversationId);
          if (record !== undefined) {
            events.emit({
              type: 'session.deleted',
              key: { userId: id, conversationId: parsed.conversationId },
              sessionId: record.sessionId,
              at: now(),
              reason: 'forgotten',
            });
          }
        }
      });
    }
    await access.call((store) => store.delete(index));
    return result;
  }

  async function runCleanup(): Promise<CleanupResult> {
    cleanupCycles += 1;
    const result: CleanupResult = { scanned: 0, expired: 0, deleted: 0 };
    const due: { storageKey: string; key: NormalizedSessionKey }[] = [];
    for (const session of registry.values()) {
      result.scanned += 1;
      if (sessions.phaseOf(session.record) !== 'active') {
        due.push({ storageKey: session.storageKey, key: session.key });
      }
    }
    const at = now();
    for (const [storageKey, entry] of inGrace) {
      if (entry.until <= at && registry.peek(storageKey) === undefined)
        due.push({ storageKey, ...entry });
    }
    await Promise.all(
      due.map(({ storageKey, key }) =>
        lines
          .run(storageKey, async () => {
            const loaded = await sessions.load(storageKey, key);
            if (loaded.kind !== 'found') {
              inGrace.delete(storageKey);
              return;
            }
            const { session } = loaded;
            const phase = sessions.phaseOf(session.record);
            if (phase === 'active') return;
            const newlyExpired = session.record.status === 'active';
            if (phase === 'grace') {
              if (newlyExpired) {
                const marked = { ...session.record, status: 'expired' as const };
                if (!(await sessions.write(session, marked))) return;
                result.expired += 1;
                events.emit({ type: 'session.expired', ...baseOf(session) });
              }
              inGrace.set(storageKey, {
                key,
                until: session.record.lastActivity + policy.timeoutMs + policy.graceMs,
              });
              registry.delete(storageKey);
              return;
            }
            const index = { key: userIndexKey(key.userId), member: storageKey };
            registry.delete(storageKey);
            inGrace.delete(storageKey);
            await access.call((store) => store.delete(storageKey, { index }));
            await dropBlob(session.record);
            if (newlyExpired) {
              result.expired += 1;
              events.emit({ type: 'session.expired', ...baseOf(session) });
            }
            result.deleted += 1;
            events.emit({ type: 'session.deleted', ...baseOf(session), reason: 'expired' });
          })
          .catch((error: unknown) => {
            logger.warn({ error: String(error) }, 'chatflow cleanup could not expire a session');
          }),
      ),
    );
    return result;
  }

  function cleanupExpired(): Promise<CleanupResult> {
    if (cleanupRunning !== undefined) return cleanupRunning;
    const cycle = runCleanup().finally(() => {
      cleanupRunning = undefined;
    });
    cleanupRunning = cycle;
    return cycle;
  }

  function stats(): RuntimeStats {
    let active = 0;
    let dataBytes = 0;
    let inProgress = 0;
    let durations = 0;
    for (const session of registry.values()) {
      const { record } = session;
      if (sessions.phaseOf(record) !== 'active') continue;
      active += 1;
      dataBytes += record.dataBytes;
      if (workflowOf(session) !== null) inProgress += 1;
      durations += record.lastActivity - record.createdAt;
    }
    const at = now();
    let expiredInGrace = 0;
    for (const entry of inGrace.values()) if (entry.until > at) expiredInGrace += 1;
    return {
      activeSessions: active,
      dataMegabytes: dataBytes / 2 ** 20,
      workflowsInProgress: inProgress,
      expiredInGrace,
      cleanupCycles,
      averageSessionDurationMinutes: active === 0 ? 0 : durations / active / 60_000,
    };
  }

  async function health() {
    try {
      await access.call((store) => store.get('chatflow:health'));
    } catch {
      // recorded as the last store failure
    }
    const { store } = access;
    const lastError = access.lastError;
    return {
      status: lastError === undefined ? ('healthy' as const) : ('degraded' as const),
      stats: stats(),
      store: { backend: store.backend, address: store.address, atomic: store.atomic },
      ...(lastError === undefined ? {} : { lastStoreError: { ...lastError } }),
    };
  }

  return {
    getOrCreateSession,
    getSession,
    deleteSession,
    startWorkflow,
    send,
    cancelWorkflow,
    storeData,
    getData,
    clearData,
    addToHistory,
    getHistory,
    forgetUser,
    sessionOf: (actorOrSystem) => actors.sessionOf(actorOrSystem),
    stats,
    health,
    cleanupExpired,
    async start() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        cleanupExpired().catch((error: unknown) => {
          logger.warn({ error: String(error) }, 'chatflow cleanup cycle failed');
        });
      }, config.cleanupIntervalMinutes * 60_000);
      timer.unref?.();
    },
    async shutdown() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await cleanupRunning?.catch(() => undefined);
      await lines.drain();
      registry.clear();
    },
    on: (type, listener) => events.on(type, listener),
  };
}
