import { networkInterfaces } from 'node:os';
import {
  exampleDataset,
  type TrainModelInput,
  type TrainModelOutput,
  workflows,
} from '@chatflow/machines';
import { createRuntime, type Runtime, type SessionKey } from '@chatflow/runtime';
import { Keyv } from 'keyv';
import { register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import {
  type ChatflowMetrics,
  createChatflowMetrics,
  createOpsServer,
  instrumentStore,
  type OpsServer,
} from '../../src/ops/index.ts';

/** A Map a Keyv keeps its records in, that fails like a lost connection while `down`. */
class FlakyMap<K, V> extends Map<K, V> {
  down = false;
  override get(key: K): V | undefined {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6399');
    return super.get(key);
  }
  override set(key: K, value: V): this {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6399');
    return super.set(key, value);
  }
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses Prometheus' text exposition format strictly enough to catch malformed output:
 * every sample line must parse and belong to a family announced by HELP and TYPE.
 */
function parseExposition(text: string) {
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const familyOf = (name: string) => {
    for (const suffix of ['_bucket', '_sum', '_count', '']) {
      const base = suffix === '' ? name : name.replace(new RegExp(`${suffix}$`), '');
      if (types.has(base)) return base;
    }
    return undefined;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let match = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (match) {
      help.set(match[1]!, match[2]!);
      continue;
    }
    match = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(
      line,
    );
    if (match) {
      types.set(match[1]!, match[2]!);
      continue;
    }
    match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!match) throw new Error(`Not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!;
    }
    const name = match[1]!;
    const family = familyOf(name);
    if (family === undefined || !help.has(family)) {
      throw new Error(`Sample ${name} has no HELP/TYPE`);
    }
    samples.push({ name, labels, value: Number(match[3]) });
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([label, wanted]) => sample.labels[label] === wanted),
    )?.value;
  return { help, types, samples, value };
}

const ada: SessionKey = { userId: 1, conversationId: 'chat-1' };
const bob: SessionKey = { userId: 2, conversationId: 'chat-2' };

interface Setup {
  runtime: Runtime;
  server: OpsServer;
  metrics: ChatflowMetrics;
  clock: { now: number };
  storage: FlakyMap<string, unknown>;
}

const open: Setup[] = [];

async function setup(config: { maxConcurrentSessions?: number } = {}): Promise<Setup> {
  const clock = { now: Date.UTC(2026, 2, 1, 12) };
  const storage = new FlakyMap<string, unknown>();
  const metrics = createChatflowMetrics();
  const trainModel = fromPromise<TrainModelOutput, TrainModelInput>(async ({ input }) => ({
    modelId: `m-${input.features.length}`,
    metrics: { features: input.features.length },
  }));
  const runtime = createRuntime({
    workflows,
    actors: { trainModel },
    now: () => clock.now,
    config,
    store: instrumentStore(new Keyv({ store: storage }), metrics.observeStoreTiming),
  });
  const server = await createOpsServer({ runtime, metrics, port: 0 });
  const made = { runtime, server, metrics, clock, storage };
  open.push(made);
  return made;
}

afterEach(async () => {
  for (const { runtime, server, metrics, storage } of open.splice(0)) {
    storage.down = false;
    await server.close();
    metrics.dispose();
    await runtime.shutdown();
  }
});

async function scrape(server: OpsServer) {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parseExposition(await response.text());
}

describe('createOpsServer', () => {
  it('should count evictions when live sessions outgrow maxConcurrentSessions', async () => {
    const { runtime, server } = await setup({ maxConcurrentSessions: 1 });
    await runtime.getOrCreateSession(ada);
    await runtime.startWorkflow(ada, 'ml_training');
    await runtime.getOrCreateSession(bob);
    await runtime.startWorkflow(bob, 'data_exploration');

    const scraped = await scrape(server);
    expect(scraped.types.get('chatflow_sessions_evicted_total')).toBe('counter');
    expect(scraped.value('chatflow_sessions_evicted_total')).toBeGreaterThanOrEqual(1);
    expect(scraped.value('chatflow_sessions_live')).toBe(1);
  });

  it('should listen on loopback by default', async () => {
    const { server } = await setup();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal);
    if (external !== undefined) {
      await expect(fetch(`http://${external.address}:${server.port}/healthz`)).rejects.toThrow();
    }
  });

  it('should expose Prometheus metrics that follow the runtime', async () => {
    const { runtime, server, clock } = await setup();
    const before = await scrape(server);
    expect(before.value('chatflow_sessions_live')).toBe(0);
    expect(before.value('chatflow_healthy')).toBe(1);
    expect(before.types.get('chatflow_steps_accepted_total')).toBe('counter');
    expect(before.types.get('chatflow_workflow_sessions')).toBe('gauge');
    expect(before.types.get('chatflow_store_operation_duration_seconds')).toBe('histogram');

    await runtime.getOrCreateSession(ada);
    await runtime.startWorkflow(ada, 'ml_training');
    await runtime.send(ada, { type: 'data.uploaded', dataset: exampleDataset() });
    await runtime.send(ada, { type: 'target.selected', column: 'price' });
    // The target cannot also be a feature: a guard refuses.
    await runtime.send(ada, { type: 'features.selected', columns: ['price'] });
    await runtime.send(ada, { type: 'no.such.event' });
    await runtime.getOrCreateSession(bob);
    await runtime.startWorkflow(bob, 'stats_analysis');

    const after = await scrape(server);
    expect(after.value('chatflow_sessions_live')).toBe(2);
    expect(after.value('chatflow_sessions_created_total')).toBe(2);
    expect(after.value('chatflow_workflows_in_progress')).toBe(2);
    expect(after.value('chatflow_workflows_started_total', { workflow: 'ml_training' })).toBe(1);
    expect(
      after.value('chatflow_workflow_sessions', {
        workflow: 'ml_training',
        state: 'selecting_features',
      }),
    ).toBe(1);
    expect(
      after.value('chatflow_workflow_sessions', {
        workflow: 'stats_analysis',
        state: 'awaiting_data',
      }),
    ).toBe(1);
    expect(
      after.value('chatflow_steps_accepted_total', { workflow: 'ml_training', source: 'user' }),
    ).toBe(2);
    expect(after.value('chatflow_steps_refused_total', { code: 'PREREQUISITE_NOT_MET' })).toBe(1);
    expect(after.value('chatflow_steps_refused_total', { code: 'INVALID_EVENT' })).toBe(1);
    const writes = after.value('chatflow_store_operation_duration_seconds_count', {
      backend: 'keyv',
      operation: 'compareAndSet',
      outcome: 'ok',
    });
    expect(writes).toBeGreaterThanOrEqual(5);

    // Training to the end: a step taken without a message, then completion.
    await runtime.send(ada, { type: 'features.selected', columns: ['area'] });
    await runtime.send(ada, { type: 'model.confirmed', modelType: 'linear_regression' });
    await new Promise<void>((resolve) => {
      const off = runtime.on('workflow.completed', () => {
        off();
        resolve();
      });
    });
    const trained = await scrape(server);
    expect(
      trained.value('chatflow_steps_accepted_total', {
        workflow: 'ml_training',
        source: 'internal',
      }),
    ).toBe(1);
    expect(trained.value('chatflow_workflows_completed_total', { workflow: 'ml_training' })).toBe(
      1,
    );
    expect(
      trained.samples.filter(
        (sample) =>
          sample.name === 'chatflow_workflow_sessions' && sample.labels.workflow === 'ml_training',
      ),
    ).toEqual([]);

    // Expiry, then recovery within the grace period.
    clock.now += 31 * 60_000;
    await runtime.cleanupExpired();
    const expired = await scrape(server);
    expect(expired.value('chatflow_sessions_expired_total')).toBe(2);
    expect(expired.value('chatflow_cleanup_cycles_total')).toBe(1);
    await runtime.getOrCreateSession(bob);
    const recovered = await scrape(server);
    expect(recovered.value('chatflow_sessions_recovered_total')).toBe(1);

    await runtime.forgetUser(bob.userId);
    const forgotten = await scrape(server);
    expect(forgotten.value('chatflow_sessions_deleted_total', { reason: 'forgotten' })).toBe(1);
    expect(
      forgotten.samples.filter((sample) => sample.name === 'chatflow_workflow_sessions'),
    ).toEqual([]);
  });

  it("should keep its metrics out of prom-client's global registry", async () => {
    const { server } = await setup();
    await scrape(server);
    expect(await globalRegistry.metrics()).not.toContain('chatflow_');
  });

  it('should answer /healthz with 200 while healthy and 503 while the store fails', async () => {
    const { runtime, server, storage } = await setup();
    await runtime.getOrCreateSession(ada);

    const healthy = await fetch(`${server.url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(healthy.headers.get('content-type')).toBe('application/json');
    const body = (await healthy.json()) as { status: string; stats: { activeSessions: number } };
    expect(body.status).toBe('healthy');
    expect(body.stats.activeSessions).toBe(1);

    storage.down = true;
    const degraded = await fetch(`${server.url}/healthz`);
    expect(degraded.status).toBe(503);
    const failure = (await degraded.json()) as {
      status: string;
      lastStoreError?: { message: string };
    };
    expect(failure.status).toBe('degraded');
    expect(failure.lastStoreError?.message).toContain('ECONNREFUSED');
    expect((await scrape(server)).value('chatflow_healthy')).toBe(0);

    storage.down = false;
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const errors = (await scrape(server)).value('chatflow_store_operation_duration_seconds_count', {
      operation: 'get',
      outcome: 'error',
    });
    expect(errors).toBeGreaterThanOrEqual(1);
  });

  it('should answer 404 for other paths and 405 for other methods', async () => {
    const { server } = await setup();
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics/extra`)).status).toBe(404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${server.url}/healthz?verbose=1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('should refuse to observe a second runtime with the same metrics', async () => {
    const { metrics } = await setup();
    const other = createRuntime({ workflows });
    expect(() => metrics.attach(other)).toThrow('already observe a runtime');
    await other.shutdown();
  });
});
