import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workflows } from '@chatflow/machines';
import { createRuntime, type SessionKey } from '@chatflow/runtime';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildMessage } from '../src/childChannel.ts';
import { type ChildHandle, startChild } from '../src/childProcess.ts';
import { openBackend } from '../src/openBackend.ts';
import { createSeededRandom, seedFromEnv } from '../src/seededRandom.ts';

const worker = new URL('../src/children/workWorker.ts', import.meta.url);
const directory = mkdtempSync(join(tmpdir(), 'chatflow-work-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const kills = Number(process.env.CHATFLOW_WORK_KILLS ?? 12);

/** One run of the trainer, as it recorded itself. */
interface Run {
  sessionId: string;
  instanceId: string;
  attempt: number;
  pid: number;
  start: number;
  end?: number;
}

/** The runs in the runs file, one per (workflow run, attempt, process). */
function readRuns(file: string): Run[] {
  if (!existsSync(file)) return [];
  const runs = new Map<string, Run>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as Omit<Run, 'start' | 'end'> & { phase: string; at: number };
    const id = `${entry.instanceId}#${entry.attempt}#${entry.pid}`;
    if (entry.phase === 'start') {
      expect(runs.has(id), `run ${id} started twice`).toBe(false);
      const { phase: _phase, at, ...run } = entry;
      runs.set(id, { ...run, start: at });
    } else {
      const run = runs.get(id);
      expect(run, `run ${id} ended without starting`).toBeDefined();
      run!.end = entry.at;
    }
  }
  return [...runs.values()];
}

/** Runs grouped by workflow run (one confirmed model type each), in start order. */
function byConfirmation(runs: Run[]): Map<string, Run[]> {
  const groups = new Map<string, Run[]>();
  for (const run of [...runs].sort((a, b) => a.start - b.start)) {
    const group = groups.get(run.instanceId) ?? [];
    group.push(run);
    groups.set(run.instanceId, group);
  }
  return groups;
}

function workerEnv(storeUrl: string, runsFile: string, keys: SessionKey[], extra = {}) {
  return {
    CHATFLOW_STORE_URL: storeUrl,
    CHATFLOW_RUNS_FILE: runsFile,
    CHATFLOW_SESSION_KEYS: JSON.stringify(keys),
    ...extra,
  };
}

async function ask(child: ChildHandle, message: ChildMessage, reply: string, timeoutMs = 60_000) {
  const before = child.messages.length;
  child.send(message);
  const answer = await child.waitFor(
    (m) => (m.type === reply || m.type === 'failed') && child.messages.indexOf(m) >= before,
    timeoutMs,
  );
  expect(answer.type, JSON.stringify(answer)).toBe(reply);
  return answer;
}

async function killNow(child: ChildHandle): Promise<number> {
  child.kill('SIGKILL');
  const at = Date.now();
  expect((await child.closed).signal).toBe('SIGKILL');
  return at;
}

/** Waits (polling the file every 20 ms) until `ready` holds for the runs. */
async function untilRuns(file: string, ready: (runs: Run[]) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const runs = readRuns(file);
    if (ready(runs)) return runs;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the runs never got there: ${JSON.stringify(readRuns(file))}`);
}

describe('invoked work in flight', () => {
  it('should run each confirmed training again exactly once per interruption, across SIGKILLs and restarts', async () => {
    const random = createSeededRandom(seedFromEnv('CHATFLOW_WORK_SEED'));
    const backend = await openBackend('redis');
    const runsFile = join(directory, 'restarts.runs');
    const keys: SessionKey[] = Array.from({ length: 4 }, (_, i) => ({
      userId: `flight-${i}`,
      conversationId: 'chat',
    }));
    const env = workerEnv(backend.redis!.url, runsFile, keys, {
      CHATFLOW_OWNER: 'flight-bot',
      CHATFLOW_TRAIN_MS: '250',
    });
    const confirmed = new Map<string, number>();
    const problems: ChildMessage[] = [];
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'confirmed') {
        const sessionId = String(message.sessionId);
        confirmed.set(sessionId, (confirmed.get(sessionId) ?? 0) + 1);
      }
      if (message.type === 'failed') problems.push(message);
    };
    const killedAt = new Map<number, number>();
    try {
      for (let cycle = 0; cycle <= kills; cycle++) {
        const child = startChild(worker, { env, onMessage });
        await child.waitFor((m) => m.type === 'ready');
        await ask(child, { type: 'start' }, 'started');
        if (cycle < kills) {
          child.send({ type: 'drive', seed: random.fork() });
          await new Promise((resolve) => setTimeout(resolve, random.int(150, 1200)));
          killedAt.set(child.pid, await killNow(child));
        } else {
          // The last process lets every piece of work finish.
          await ask(child, { type: 'finish' }, 'finished', 120_000);
          child.kill('SIGTERM');
          await child.closed;
        }
      }
      expect(problems).toEqual([]);

      const runs = readRuns(runsFile);
      const groups = byConfirmation(runs);
      let interruptions = 0;
      for (const [instanceId, group] of groups) {
        // Attempts follow each other one by one, each run once, never two at a time.
        for (let i = 1; i < group.length; i++) {
          const previous = group[i - 1]!;
          const run = group[i]!;
          expect(run.attempt, instanceId).toBe(previous.attempt + 1);
          const killed = killedAt.get(previous.pid);
          expect(
            killed,
            `attempt ${previous.attempt} of ${instanceId} was not interrupted`,
          ).toBeDefined();
          expect(run.start).toBeGreaterThanOrEqual(killed!);
          interruptions += 1;
        }
        // The last attempt ran to its end.
        expect(group.at(-1)!.end, instanceId).toBeDefined();
      }

      // Every training written finished once: one model per workflow run that trained.
      const reader = createRuntime({
        workflows,
        store: backend.store,
        logger: pino({ level: 'silent' }),
      });
      let models = 0;
      for (const key of keys) {
        const view = await reader.getSession(key);
        expect(view?.workflow?.state).not.toBe('training');
        const ids = view!.models.map((model) => model.modelId);
        expect(new Set(ids).size).toBe(ids.length);
        const trained = [...groups.values()].filter(
          (group) => group[0]!.sessionId === view!.sessionId,
        );
        expect(ids.sort()).toEqual(trained.map((group) => `model-${group[0]!.instanceId}`).sort());
        expect(trained.length).toBeGreaterThanOrEqual(confirmed.get(view!.sessionId) ?? 0);
        models += ids.length;
      }
      await reader.shutdown();
      console.log(
        'work in flight, restarts:',
        JSON.stringify({
          kills,
          confirmationsAcknowledged: [...confirmed.values()].reduce((a, b) => a + b, 0),
          trainings: groups.size,
          runs: runs.length,
          interruptedAndRunAgain: interruptions,
          models,
          lost: 0,
          concurrentRuns: 0,
        }),
      );
      expect(interruptions).toBeGreaterThan(0);
    } finally {
      await backend.close();
    }
  });

  it('should let a second instance take over work only once the first one died and its lease ran out', async () => {
    const backend = await openBackend('redis');
    const runsFile = join(directory, 'takeover.runs');
    const keys: SessionKey[] = [
      { userId: 'lease-1', conversationId: 'chat' },
      { userId: 'lease-2', conversationId: 'chat' },
    ];
    const shared = { CHATFLOW_LEASE_SECONDS: '1', CHATFLOW_TRAIN_MS: '3000' };
    const first = startChild(worker, {
      env: workerEnv(backend.redis!.url, runsFile, keys, { ...shared, CHATFLOW_OWNER: 'bot-1' }),
    });
    const second = startChild(worker, {
      env: workerEnv(backend.redis!.url, runsFile, keys, { ...shared, CHATFLOW_OWNER: 'bot-2' }),
    });
    try {
      await Promise.all([first, second].map((child) => child.waitFor((m) => m.type === 'ready')));
      await ask(first, { type: 'start' }, 'started');
      await ask(second, { type: 'start' }, 'started');
      first.send({ type: 'drive', seed: 1 });
      await untilRuns(runsFile, (runs) => runs.length === 2);
      // While the first instance lives it renews its leases (every third of a second);
      // the second one, reached by users' messages for 2 s, never runs the work.
      for (let i = 0; i < 7; i++) {
        await ask(second, { type: 'touch' }, 'touched');
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(readRuns(runsFile).map((run) => run.pid)).toEqual([first.pid, first.pid]);

      const killed = await killNow(first);
      await ask(second, { type: 'touch' }, 'touched');
      const runs = await untilRuns(
        runsFile,
        (all) => all.filter((run) => run.end !== undefined).length === 2,
      );
      for (const group of byConfirmation(runs).values()) {
        expect(group.map((run) => [run.pid, run.attempt])).toEqual([
          [first.pid, 1],
          [second.pid, 2],
        ]);
        // Never two at a time: the second run began after the first instance died.
        expect(group[1]!.start).toBeGreaterThanOrEqual(killed);
        expect(group[0]!.end).toBeUndefined();
      }
      await ask(second, { type: 'finish' }, 'finished');
      const reader = createRuntime({
        workflows,
        store: backend.store,
        logger: pino({ level: 'silent' }),
      });
      for (const key of keys) {
        const view = await reader.getSession(key);
        expect(view?.workflow?.state).toBe('complete');
        expect(view?.models).toHaveLength(1);
      }
      await reader.shutdown();
      console.log(
        'work in flight, takeover:',
        JSON.stringify({
          trainings: 2,
          runs: runs.length,
          takenOverAfterKill: 2,
          concurrentRuns: 0,
        }),
      );
    } finally {
      first.kill('SIGKILL');
      second.kill('SIGKILL');
      await Promise.all([first.closed, second.closed]);
      await backend.close();
    }
  });

  it('should fail work interrupted too often with an error in the workflow, never drop it silently', async () => {
    const backend = await openBackend('redis');
    const runsFile = join(directory, 'give-up.runs');
    const keys: SessionKey[] = [{ userId: 'unlucky', conversationId: 'chat' }];
    const env = workerEnv(backend.redis!.url, runsFile, keys, {
      CHATFLOW_OWNER: 'give-up-bot',
      CHATFLOW_TRAIN_MS: '60000',
      CHATFLOW_MAX_ATTEMPTS: '2',
    });
    try {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const child = startChild(worker, { env });
        await child.waitFor((m) => m.type === 'ready');
        await ask(child, { type: 'start' }, 'started');
        if (attempt === 1) child.send({ type: 'drive', seed: 2 });
        await untilRuns(runsFile, (runs) => runs.some((run) => run.attempt === attempt));
        await killNow(child);
      }
      const last = startChild(worker, { env });
      await last.waitFor((m) => m.type === 'ready');
      await ask(last, { type: 'start' }, 'started');
      await ask(last, { type: 'finish' }, 'finished');
      last.kill('SIGTERM');
      await last.closed;
      const reader = createRuntime({
        workflows,
        store: backend.store,
        logger: pino({ level: 'silent' }),
      });
      const view = await reader.getSession(keys[0]!);
      expect(view?.workflow?.state).toBe('confirming_model');
      const context = view?.workflow?.context as { error?: unknown } | undefined;
      expect(String(context?.error)).toMatch(/interrupted 2 times/);
      expect(readRuns(runsFile).map((run) => run.attempt)).toEqual([1, 2]);
      await reader.shutdown();
    } finally {
      await backend.close();
    }
  });
});
