import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatflowStore, createStore } from '@chatflow/adapters';
import { workflows } from '@chatflow/machines';
import {
  createRuntime,
  normalizeSessionKey,
  type SessionKey,
  sessionStorageKey,
  sessionStoreSymbol,
} from '@chatflow/runtime';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { auditStore } from '../src/auditStore.ts';
import type { ChildMessage } from '../src/childChannel.ts';
import { type ChildHandle, startChild } from '../src/childProcess.ts';
import { createDeterministicTrainer } from '../src/deterministicTrainer.ts';
import { driveToCompletion } from '../src/driveToCompletion.ts';
import { startRedisServer } from '../src/redisServer.ts';
import { createSeededRandom, type SeededRandom, seedFromEnv } from '../src/seededRandom.ts';
import { viewFingerprint } from '../src/viewFingerprint.ts';

const worker = new URL('../src/children/crashWorker.ts', import.meta.url);
const kills = Number(process.env.CHATFLOW_CRASH_KILLS ?? 50);
const directory = mkdtempSync(join(tmpdir(), 'chatflow-crash-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** What this test knows a session must hold: its last acknowledged step and read-back. */
interface Expected {
  key: SessionKey;
  sessionId: string;
  /** The last acknowledged step's event and resulting state. */
  event: string;
  state: string;
  /** The stored revision must be at least this. */
  minRevision: number;
  /** The last read-back: at this revision the session held exactly this. */
  seen?: { revision: number; fingerprint: string };
}

/** The sessions of a campaign: ids with separators, so keys are tested too. */
function sessionKeys(count: number): SessionKey[] {
  return Array.from({ length: count }, (_, i) => ({
    userId: i % 2 === 0 ? `crash:user/${i}` : 9000 + i,
    conversationId: `chat{${i}}:%${i}`,
  }));
}

/** The outcome of a crash campaign, printed by the test. */
interface CampaignFigures {
  kills: number;
  acks: number;
  checks: number;
  carriedOn: number;
  killedInTraining: number;
  losses: number;
}

/**
 * Runs workers on the store at `url`, SIGKILLs each at a seeded moment (after a number
 * of acknowledged steps, or after some milliseconds), and after each kill checks the
 * store from this process with a fresh runtime. The next worker is started (and has
 * loaded everything) while the current one runs, so a kill cycle costs little.
 */
async function crashCampaign(url: string, random: SeededRandom): Promise<CampaignFigures> {
  const keys = sessionKeys(6);
  const env = { CHATFLOW_STORE_URL: url, CHATFLOW_SESSION_KEYS: JSON.stringify(keys) };
  const store: ChatflowStore = createStore(url, { commandTimeoutMs: 5000, connectTimeoutMs: 5000 });
  const sessions = store[sessionStoreSymbol];
  const latest = new Map<string, Expected>();
  const problems: string[] = [];
  const figures: CampaignFigures = {
    kills: 0,
    acks: 0,
    checks: 0,
    carriedOn: 0,
    killedInTraining: 0,
    losses: 0,
  };
  const onMessage = (message: ChildMessage) => {
    if (message.type === 'ack' || message.type === 'seen') {
      const key = message.key as SessionKey;
      const id = sessionStorageKey(normalizeSessionKey(key));
      const before = latest.get(id);
      const sessionId = String(message.sessionId);
      if (before !== undefined && before.sessionId !== sessionId) {
        problems.push(`session ${id} changed its id: ${before.sessionId} then ${sessionId}`);
      }
      if (message.type === 'ack') {
        const minRevision = Number(message.minRevision);
        if (before !== undefined && minRevision <= before.minRevision) {
          problems.push(`${id} acknowledged revision ${minRevision} after ${before.minRevision}`);
        }
        latest.set(id, {
          ...before,
          key,
          sessionId,
          event: String(message.event),
          state: String(message.state),
          minRevision: Math.max(minRevision, before?.minRevision ?? 0),
        });
        figures.acks += 1;
      } else if (before !== undefined) {
        const revision = Number(message.revision);
        if (revision < before.minRevision) {
          problems.push(
            `${id} read back revision ${revision} below acknowledged ${before.minRevision}`,
          );
        }
        before.seen = { revision, fingerprint: String(message.fingerprint) };
      }
    } else if (message.type === 'reset' || message.type === 'failed') {
      problems.push(JSON.stringify(message));
    }
  };
  const spawnWorker = () => startChild(worker, { env, onMessage });

  let next: ChildHandle = spawnWorker();
  try {
    for (let cycle = 0; cycle < kills; cycle++) {
      const current = next;
      await current.waitFor((message) => message.type === 'ready');
      current.send({ type: 'go', seed: random.fork() });
      // The next worker loads while this one works and this process checks the store.
      next = spawnWorker();
      if (random.chance(0.5)) {
        const target = figures.acks + random.int(1, 40);
        await current.waitFor(() => figures.acks >= target, 60_000);
      } else {
        await new Promise((resolve) => setTimeout(resolve, random.int(0, 400)));
      }
      current.kill('SIGKILL');
      const status = await current.closed;
      expect(status.signal, current.stderr()).toBe('SIGKILL');
      figures.kills += 1;

      await checkStore(cycle);
    }
    // Every session carries on to completion after the last kill.
    next.kill('SIGKILL');
    await next.closed;
    const runtime = parentRuntime();
    const finish = createSeededRandom(random.fork());
    for (const key of keys) {
      const view = await driveToCompletion(runtime, key, finish);
      expect(view.workflow?.state).toBe('complete');
      figures.carriedOn += 1;
    }
    await runtime.shutdown();
    await checkStore(kills);
  } finally {
    next.kill('SIGKILL');
    await next.closed;
    await sessions.close();
  }
  expect(problems).toEqual([]);
  return figures;

  function parentRuntime() {
    return createRuntime({
      workflows,
      store,
      logger: pino({ level: 'silent' }),
      actors: { trainModel: createDeterministicTrainer() },
      // This process carries on as the bot the workers were (they are never alive while
      // it checks), so it takes over their interrupted training at once.
      owner: 'crash-bot',
    });
  }

  /** Everything acknowledged is there, nothing is half-written, and work can go on. */
  async function checkStore(cycle: number): Promise<void> {
    const audit = await auditStore(sessions);
    expect(audit.unreadable, `cycle ${cycle}`).toEqual([]);
    expect(audit.quarantined, `cycle ${cycle}`).toEqual([]);
    expect(audit.foreign, `cycle ${cycle}`).toEqual([]);

    const runtime = parentRuntime();
    for (const expected of latest.values()) {
      const view = await runtime.getSession(expected.key);
      figures.checks += 1;
      const { seen } = expected;
      const lost =
        view === undefined ||
        view.sessionId !== expected.sessionId ||
        view.revision < expected.minRevision ||
        (seen !== undefined && view.revision < seen.revision) ||
        (seen !== undefined &&
          view.revision === seen.revision &&
          viewFingerprint(view) !== seen.fingerprint);
      if (lost) {
        figures.losses += 1;
        problems.push(
          `cycle ${cycle}: acknowledged ${JSON.stringify(expected)} but the store has ${JSON.stringify(
            view === undefined
              ? null
              : { sessionId: view.sessionId, revision: view.revision, state: view.workflow?.state },
          )}`,
        );
      }
      if (view?.workflow?.state === 'training') figures.killedInTraining += 1;
    }
    // Carry one session on to completion, in this process, so the next workers find
    // sessions that were killed in one process and continued in another.
    const known = [...latest.values()];
    if (known.length > 0 && cycle < kills) {
      const expected = random.pick(known);
      const view = await driveToCompletion(
        runtime,
        expected.key,
        createSeededRandom(random.fork()),
      );
      expect(view.workflow?.state).toBe('complete');
      latest.set(sessionStorageKey(normalizeSessionKey(expected.key)), {
        key: expected.key,
        sessionId: view.sessionId,
        event: 'carried-on',
        state: 'complete',
        minRevision: view.revision,
        seen: { revision: view.revision, fingerprint: viewFingerprint(view) },
      });
      figures.carriedOn += 1;
    }
    await runtime.shutdown();
    expect(problems, `cycle ${cycle}`).toEqual([]);
  }
}

// The two campaigns run side by side: each mostly waits for its next worker to load.
describe.concurrent('crash safety', () => {
  it('should keep every acknowledged step in SQLite across SIGKILLs at random moments', async () => {
    const random = createSeededRandom(seedFromEnv('CHATFLOW_CRASH_SQLITE_SEED'));
    const file = join(directory, 'crash.db');
    const figures = await crashCampaign(`sqlite://${file}`, random);
    console.log('crash safety, SQLite:', JSON.stringify(figures));
    expect(figures.kills).toBe(kills);
    expect(figures.acks).toBeGreaterThan(kills);
    expect(figures.losses).toBe(0);
  });

  it('should keep every acknowledged step in Redis (AOF, fsync always) across SIGKILLs at random moments', async () => {
    const random = createSeededRandom(seedFromEnv('CHATFLOW_CRASH_REDIS_SEED'));
    const redisDir = mkdtempSync(join(directory, 'redis-'));
    const redis = await startRedisServer({ dir: redisDir, appendOnly: true, fsyncAlways: true });
    try {
      const figures = await crashCampaign(redis.url, random);
      console.log('crash safety, Redis:', JSON.stringify(figures));
      expect(figures.kills).toBe(kills);
      expect(figures.acks).toBeGreaterThan(kills);
      expect(figures.losses).toBe(0);
    } finally {
      await redis.stop();
    }
  });
});
