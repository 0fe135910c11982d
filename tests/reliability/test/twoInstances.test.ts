import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '@chatflow/adapters';
import { createRuntime, type SessionKey, sessionStoreSymbol } from '@chatflow/runtime';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildMessage } from '../src/childChannel.ts';
import { type ChildHandle, startChild } from '../src/childProcess.ts';
import { type CounterContext, counterWorkflow } from '../src/counterWorkflow.ts';
import { startRedisServer } from '../src/redisServer.ts';
import { createSeededRandom, seedFromEnv } from '../src/seededRandom.ts';

const worker = new URL('../src/children/sharedStoreWorker.ts', import.meta.url);
const totalEvents = Number(process.env.CHATFLOW_SHARED_EVENTS ?? 10_000);
const sessionCount = 100;
const directory = mkdtempSync(join(tmpdir(), 'chatflow-shared-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** An event a process was told was applied, and the place it took in its session. */
interface Acknowledged {
  worker: string;
  session: number;
  id: string;
  amount: number;
  position: number;
  duplicate: boolean;
}

/** Starts the two workers on one Redis and waits until both are ready. */
async function startWorkers(url: string, keys: SessionKey[], acknowledged: Acknowledged[]) {
  const failures: ChildMessage[] = [];
  const env = { CHATFLOW_STORE_URL: url, CHATFLOW_SESSION_KEYS: JSON.stringify(keys) };
  const workers = ['A', 'B'].map((name) =>
    startChild(worker, {
      env: { ...env, CHATFLOW_WORKER: name },
      onMessage: (message) => {
        if (message.type === 'ack') {
          acknowledged.push({ ...(message as unknown as Acknowledged), worker: name });
        } else if (message.type === 'failed') {
          failures.push(message);
        }
      },
    }),
  );
  await Promise.all(workers.map((child) => child.waitFor((m) => m.type === 'ready')));
  return { workers, failures };
}

/** Sends `go` to both workers at once and waits until both are done. */
async function runWorkers(workers: ChildHandle[], go: ChildMessage) {
  for (const child of workers) child.send(go);
  const done = await Promise.all(
    workers.map((child) => child.waitFor((m) => m.type === 'done' || m.type === 'failed', 240_000)),
  );
  for (const child of workers) child.kill('SIGTERM');
  await Promise.all(workers.map((child) => child.closed));
  return done;
}

describe('two runtimes in two processes on one Redis', () => {
  it('should apply every acknowledged event exactly once, as a single-process replay does', async () => {
    const seed = seedFromEnv('CHATFLOW_SHARED_SEED');
    const random = createSeededRandom(seed);
    const redis = await startRedisServer({ dir: mkdtempSync(join(directory, 'redis-')) });
    const keys: SessionKey[] = Array.from({ length: sessionCount }, (_, i) => ({
      userId: 1000 + i,
      conversationId: `group:${i % 7}`,
    }));
    const workflows = { counter: counterWorkflow };
    const store = createStore(redis.url);
    const logger = pino({ level: 'silent' });
    try {
      const setup = createRuntime({ workflows, store, logger });
      for (const key of keys) {
        await setup.getOrCreateSession(key);
        expect((await setup.startWorkflow(key, 'counter')).ok).toBe(true);
      }
      await setup.shutdown();

      const acknowledged: Acknowledged[] = [];
      const { workers, failures } = await startWorkers(redis.url, keys, acknowledged);
      const done = await runWorkers(workers, {
        type: 'go',
        seed: random.fork(),
        events: totalEvents / 2,
        lanes: 16,
      });
      expect(failures).toEqual([]);
      expect(acknowledged).toHaveLength(totalEvents);

      // What the shared store holds, read by a fresh runtime.
      const reader = createRuntime({ workflows, store, logger });
      const replay = createRuntime({ workflows, logger });
      let collisions = 0;
      let handovers = 0;
      let lost = 0;
      let doubled = 0;
      for (let session = 0; session < sessionCount; session++) {
        const key = keys[session]!;
        const view = await reader.getSession(key);
        const stored = view?.workflow;
        expect(stored?.state).toBe('counting');
        const ids = (stored?.context as CounterContext | undefined)?.ids ?? [];

        const mine = acknowledged
          .filter((ack) => ack.session === session)
          .sort((a, b) => a.position - b.position);
        collisions += new Set(mine.map((ack) => ack.worker)).size > 1 ? 1 : 0;
        for (let i = 1; i < mine.length; i++) {
          if (mine[i]!.worker !== mine[i - 1]!.worker) handovers += 1;
        }
        // Each acknowledged event took its own place, and is at that place in the store.
        const positions = new Set(mine.map((ack) => ack.position));
        expect(positions.size, `session ${session} positions`).toBe(mine.length);
        for (const ack of mine) {
          if (ids[ack.position - 1] !== ack.id) lost += 1;
        }
        doubled += ids.length - new Set(ids).size;
        // Nothing was applied that no process was told about.
        expect(ids.length, `session ${session} events`).toBe(mine.length);

        // The acknowledged events in their order, replayed in one process.
        await replay.getOrCreateSession(key);
        await replay.startWorkflow(key, 'counter');
        for (const ack of mine) {
          const step = await replay.send(key, { type: 'add', id: ack.id, amount: ack.amount });
          expect(step.ok).toBe(true);
        }
        const replayed = (await replay.getSession(key))?.workflow;
        expect(stored).toEqual(replayed);
      }
      await reader.shutdown();
      await replay.shutdown();
      const conflicts = done.reduce((sum, message) => sum + Number(message.conflicts ?? 0), 0);
      console.log(
        'two instances:',
        JSON.stringify({
          events: acknowledged.length,
          sessions: sessionCount,
          sessionsWithBothWriters: collisions,
          writerChangesWithinSessions: handovers,
          conflictsRetried: conflicts,
          lost,
          doubleApplied: doubled,
        }),
      );
      expect(lost).toBe(0);
      expect(doubled).toBe(0);
      expect(collisions).toBe(sessionCount);
    } finally {
      await store[sessionStoreSymbol].close();
      await redis.stop();
    }
  });

  it('should apply a message delivered to both processes once, by its messageId', async () => {
    const random = createSeededRandom(seedFromEnv('CHATFLOW_SHARED_IDS_SEED'));
    const redis = await startRedisServer({ dir: mkdtempSync(join(directory, 'redis-')) });
    // 20 messages a session: within the 32 ids a session remembers.
    const messages = 2000;
    const keys: SessionKey[] = Array.from({ length: sessionCount }, (_, i) => ({
      userId: 5000 + i,
      conversationId: 'chat',
    }));
    const workflows = { counter: counterWorkflow };
    const store = createStore(redis.url);
    const logger = pino({ level: 'silent' });
    try {
      const setup = createRuntime({ workflows, store, logger });
      for (const key of keys) {
        await setup.getOrCreateSession(key);
        await setup.startWorkflow(key, 'counter');
      }
      await setup.shutdown();
      const acknowledged: Acknowledged[] = [];
      const { workers, failures } = await startWorkers(redis.url, keys, acknowledged);
      await runWorkers(workers, {
        type: 'go',
        seed: random.fork(),
        events: messages,
        lanes: 16,
        shared: true,
      });
      expect(failures).toEqual([]);
      expect(acknowledged).toHaveLength(2 * messages);

      const byId = new Map<string, Acknowledged[]>();
      for (const ack of acknowledged) byId.set(ack.id, [...(byId.get(ack.id) ?? []), ack]);
      let duplicates = 0;
      for (const [id, acks] of byId) {
        // Both processes answered; exactly one applied it, the other was told it was.
        expect(acks.map((ack) => ack.duplicate).sort(), id).toEqual([false, true]);
        expect(acks[0]!.position, id).toBe(acks[1]!.position);
        duplicates += 1;
      }
      const reader = createRuntime({ workflows, store, logger });
      const replay = createRuntime({ workflows, logger });
      let applied = 0;
      for (let session = 0; session < sessionCount; session++) {
        const key = keys[session]!;
        const stored = (await reader.getSession(key))?.workflow;
        const ids = (stored?.context as CounterContext | undefined)?.ids ?? [];
        const mine = acknowledged
          .filter((ack) => ack.session === session && !ack.duplicate)
          .sort((a, b) => a.position - b.position);
        expect(ids).toEqual(mine.map((ack) => ack.id));
        applied += ids.length;
        await replay.getOrCreateSession(key);
        await replay.startWorkflow(key, 'counter');
        for (const ack of mine) {
          await replay.send(key, { type: 'add', id: ack.id, amount: ack.amount });
        }
        expect(stored).toEqual((await replay.getSession(key))?.workflow);
      }
      await reader.shutdown();
      await replay.shutdown();
      expect(applied).toBe(messages);
      console.log(
        'two instances, one message each:',
        JSON.stringify({
          messages,
          deliveries: 2 * messages,
          applied,
          answeredAsDuplicate: duplicates,
          doubleApplied: 0,
        }),
      );
    } finally {
      await store[sessionStoreSymbol].close();
      await redis.stop();
    }
  });
});
