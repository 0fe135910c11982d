import { createDataOperations } from './dataOperations.ts';
import { createExpiryCleanup } from './expiryCleanup.ts';
import { createForgetUser } from './forgetUser.ts';
import { createHistoryOperations } from './historyOperations.ts';
import { createRuntimeCore } from './runtimeCore.ts';
import { createSessionOperations } from './sessionOperations.ts';
import type { Runtime, RuntimeHealth, RuntimeOptions, RuntimeStats } from './types.ts';
import { stateName } from './workflowCatalogue.ts';
import { createWorkflowOperations } from './workflowOperations.ts';

/**
 * Creates a chatflow runtime: the live state of one workflow per chat session, operations of a
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
  const core = createRuntimeCore(options);
  const {
    access,
    states,
    agenda,
    config,
    events,
    evictions,
    inGrace,
    lines,
    logger,
    now,
    registry,
    runner,
    sessions,
    upkeep,
    activeWorkflow,
  } = core;
  const cleanup = createExpiryCleanup(core);
  let timer: ReturnType<typeof setInterval> | undefined;

  function stats(): RuntimeStats {
    let active = 0;
    let dataBytes = 0;
    let inProgress = 0;
    let durations = 0;
    let pendingTimers = 0;
    const byState = new Map<string, Map<string, number>>();
    for (const session of registry.values()) {
      const { record } = session;
      if (sessions.phaseOf(record) !== 'active') continue;
      active += 1;
      dataBytes += record.dataBytes;
      const workflow = activeWorkflow(session);
      if (workflow !== null) {
        inProgress += 1;
        pendingTimers += workflow.timers?.length ?? 0;
        const states = byState.get(workflow.type) ?? new Map<string, number>();
        const state = stateName(workflow.snapshot.value);
        states.set(state, (states.get(state) ?? 0) + 1);
        byState.set(workflow.type, states);
      }
      durations += record.lastActivity - record.createdAt;
    }
    const workflowsByState: Record<string, Record<string, number>> = {};
    for (const [type, states] of byState) workflowsByState[type] = Object.fromEntries(states);
    const at = now();
    let expiredInGrace = 0;
    for (const entry of inGrace.values()) if (entry.until > at) expiredInGrace += 1;
    return {
      activeSessions: active,
      dataMegabytes: dataBytes / 2 ** 20,
      workflowsInProgress: inProgress,
      expiredInGrace,
      cleanupCycles: cleanup.cycles,
      averageSessionDurationMinutes: active === 0 ? 0 : durations / active / 60_000,
      evictions: evictions.count,
      workflowsByState,
      pendingTimers,
      workInFlight: runner.inFlight,
    };
  }

  async function health(): Promise<RuntimeHealth> {
    try {
      await access.call((store) => store.get('chatflow:health'), 'read');
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
    ...createSessionOperations(core),
    ...createWorkflowOperations(core),
    ...createDataOperations(core),
    ...createHistoryOperations(core),
    forgetUser: createForgetUser(core),
    sessionOf: (actorOrSystem) =>
      states.sessionOf(actorOrSystem) ?? runner.infoOf(actorOrSystem)?.key,
    workOf: (actorOrSystem) => runner.infoOf(actorOrSystem),
    stats,
    health,
    cleanupExpired: cleanup.cleanupExpired,
    async start() {
      if (timer !== undefined) return;
      await upkeep.sweep();
      if (timer !== undefined) return;
      timer = setInterval(() => {
        cleanup.cleanupExpired().catch((error: unknown) => {
          logger.warn({ error: String(error) }, 'chatflow cleanup cycle failed');
        });
      }, config.cleanupIntervalMinutes * 60_000);
      timer.unref?.();
    },
    async shutdown() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      agenda.close();
      await cleanup.running?.catch(() => undefined);
      await lines.drain();
      await upkeep.release();
      await lines.drain();
      registry.clear();
    },
    on: (type, listener) => events.on(type, listener),
  };
}
