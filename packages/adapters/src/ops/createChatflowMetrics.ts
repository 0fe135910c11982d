import type { Runtime } from '@chatflow/runtime';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreTimingObserver } from './instrumentStore.ts';

/** Options of {@link createChatflowMetrics}. */
export interface ChatflowMetricsOptions {
  /**
   * The runtime to observe. Leave it out when the metrics must exist before the runtime
   * (to time its store with `instrumentStore`) and {@link ChatflowMetrics.attach} it
   * later; `createOpsHandler` attaches its runtime when nothing is attached.
   */
  runtime?: Runtime;
  /**
   * Where the metrics are registered. Never prom-client's global registry unless you
   * pass it yourself.
   * @default new Registry()
   */
  registry?: Registry;
  /**
   * Prefix of every metric name.
   * @default 'chatflow_'
   */
  prefix?: string;
  /**
   * Buckets of the store latency histogram, in seconds.
   * @default [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
   */
  storeLatencyBuckets?: number[];
}

/** A runtime's Prometheus metrics and the hooks that feed the ones events cannot. */
export interface ChatflowMetrics {
  /** The registry holding the metrics; `registry.metrics()` renders the exposition text. */
  readonly registry: Registry;
  /** The runtime observed, once attached. */
  readonly runtime: Runtime | undefined;
  /**
   * Starts observing a runtime (its events and, at each scrape, its stats and health).
   * Throws when one is attached already.
   */
  attach(runtime: Runtime): void;
  /** Records one store operation; give it to `instrumentStore`. */
  observeStoreTiming: StoreTimingObserver;
  /** Stops listening to the runtime's events. */
  dispose(): void;
}

const defaultBuckets = [
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/**
 * Prometheus metrics of a chatflow runtime, in a registry of their own:
 *
 * - gauges read from `runtime.stats()` at each scrape: live sessions, workflows in
 *   progress, sessions expired in grace, data bytes, average session duration, and the
 *   cleanup cycles run (a counter);
 * - `chatflow_healthy` (1 or 0) from `runtime.health()` at each scrape;
 * - `chatflow_workflow_sessions{workflow,state}`: sessions per workflow step, followed
 *   from the runtime's events (sessions that only come back from the store after a
 *   restart are counted from their next step on);
 * - counters from the runtime's events: sessions created, expired, recovered, evicted,
 *   deleted (by reason), workflows started, completed, cancelled (by reason), accepted
 *   steps (by workflow and source: `user`, `internal` or `timer`) and refused steps (by
 *   code);
 * - `chatflow_store_operation_duration_seconds{backend,operation,outcome}` through
 *   {@link ChatflowMetrics.observeStoreTiming} and `instrumentStore`.
 *
 * @example
 * ```ts
 * const metrics = createChatflowMetrics({ runtime });
 * createOpsServer({ runtime, metrics, port: 9464 });
 * ```
 */
export function createChatflowMetrics(options: ChatflowMetricsOptions = {}): ChatflowMetrics {
  let runtime: Runtime | undefined;
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'chatflow_';
  const registers = [registry];
  const name = (suffix: string) => `${prefix}${suffix}`;

  const fromStats = (
    suffix: string,
    help: string,
    read: (stats: ReturnType<Runtime['stats']>) => number,
  ) =>
    new Gauge({
      name: name(suffix),
      help,
      registers,
      collect() {
        if (runtime !== undefined) this.set(read(runtime.stats()));
      },
    });
  fromStats('sessions_live', 'Sessions live in memory.', (stats) => stats.activeSessions);
  fromStats(
    'workflows_in_progress',
    'Live sessions whose workflow has not reached a final state.',
    (stats) => stats.workflowsInProgress,
  );
  fromStats(
    'sessions_expired_in_grace',
    'Expired sessions that can still be recovered.',
    (stats) => stats.expiredInGrace,
  );
  fromStats('data_bytes', 'Bytes of Arrow IPC data held by live sessions.', (stats) =>
    Math.round(stats.dataMegabytes * 2 ** 20),
  );
  fromStats(
    'session_duration_average_seconds',
    'Mean time from creation to last activity of live sessions.',
    (stats) => stats.averageSessionDurationMinutes * 60,
  );
  new Counter({
    name: name('cleanup_cycles_total'),
    help: 'Cleanup cycles run since the runtime was created.',
    registers,
    collect() {
      this.reset();
      if (runtime !== undefined) this.inc(runtime.stats().cleanupCycles);
    },
  });
  new Gauge({
    name: name('healthy'),
    help: '1 when the runtime reports healthy, 0 when degraded.',
    registers,
    async collect() {
      if (runtime !== undefined) this.set((await runtime.health()).status === 'healthy' ? 1 : 0);
    },
  });

  // Sessions per workflow step, followed from the events.
  const steps = new Map<string, { workflow: string; state: string }>();
  const sessionOf = (key: { userId: string; conversationId: string }) =>
    `${key.userId.length}:${key.userId}${key.conversationId}`;
  new Gauge({
    name: name('workflow_sessions'),
    help: 'Sessions by workflow and step, for workflows that have not finished.',
    labelNames: ['workflow', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const { workflow, state } of steps.values()) this.inc({ workflow, state });
    },
  });

  const counter = <L extends string>(suffix: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name: name(suffix), help, labelNames, registers });
  const created = counter('sessions_created_total', 'Sessions created.', []);
  const expired = counter('sessions_expired_total', 'Sessions found idle past the timeout.', []);
  const recovered = counter(
    'sessions_recovered_total',
    'Expired sessions recovered within their grace period.',
    [],
  );
  const evicted = counter(
    'sessions_evicted_total',
    'Live sessions evicted from memory to stay within maxConcurrentSessions (they stay stored).',
    [],
  );
  const deleted = counter(
    'sessions_deleted_total',
    'Sessions deleted: `deleted` (deleteSession), `expired` (grace over), `forgotten` (forgetUser).',
    ['reason'],
  );
  const started = counter('workflows_started_total', 'Workflows started.', ['workflow']);
  const completed = counter('workflows_completed_total', 'Workflows completed.', ['workflow']);
  const cancelled = counter(
    'workflows_cancelled_total',
    'Workflows cancelled: by the user, by cancelWorkflow, or replaced by another.',
    ['workflow', 'reason'],
  );
  const accepted = counter(
    'steps_accepted_total',
    'Workflow steps taken and persisted: `user` on a message, `internal` when invoked work finished, `timer` when a step timer fired.',
    ['workflow', 'source'],
  );
  const refused = counter(
    'steps_refused_total',
    'Steps refused (user mistakes), by code: INVALID_EVENT, PREREQUISITE_NOT_MET, NO_ACTIVE_WORKFLOW.',
    ['code'],
  );
  const storeLatency = new Histogram({
    name: name('store_operation_duration_seconds'),
    help: 'Duration of session store operations.',
    labelNames: ['backend', 'operation', 'outcome'] as const,
    buckets: options.storeLatencyBuckets ?? defaultBuckets,
    registers,
  });

  const off: Array<() => void> = [];
  function attach(observed: Runtime) {
    if (runtime !== undefined) throw new Error('These metrics already observe a runtime.');
    runtime = observed;
    off.push(
      observed.on('session.created', () => created.inc()),
      observed.on('session.expired', () => expired.inc()),
      observed.on('session.recovered', () => recovered.inc()),
      observed.on('session.evicted', () => evicted.inc()),
      observed.on('step.refused', (event) => refused.inc({ code: event.code })),
      observed.on('session.deleted', (event) => {
        deleted.inc({ reason: event.reason });
        steps.delete(sessionOf(event.key));
      }),
      observed.on('workflow.started', (event) => {
        started.inc({ workflow: event.workflow });
        if (event.done) steps.delete(sessionOf(event.key));
        else steps.set(sessionOf(event.key), { workflow: event.workflow, state: event.state });
      }),
      observed.on('workflow.transition', (event) => {
        accepted.inc({ workflow: event.workflow, source: event.source });
        if (event.done) steps.delete(sessionOf(event.key));
        else steps.set(sessionOf(event.key), { workflow: event.workflow, state: event.state });
      }),
      observed.on('workflow.completed', (event) => completed.inc({ workflow: event.workflow })),
      observed.on('workflow.cancelled', (event) => {
        cancelled.inc({ workflow: event.workflow, reason: event.reason });
        steps.delete(sessionOf(event.key));
      }),
    );
  }
  if (options.runtime !== undefined) attach(options.runtime);

  return {
    registry,
    get runtime() {
      return runtime;
    },
    attach,
    observeStoreTiming({ backend, operation, outcome, seconds }) {
      storeLatency.observe({ backend, operation, outcome }, seconds);
    },
    dispose() {
      for (const stop of off.splice(0)) stop();
    },
  };
}
