import { workflows } from '@chatflow/machines';
import { createRuntime, type SessionKey } from '@chatflow/runtime';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createDeterministicTrainer } from '../src/deterministicTrainer.ts';
import { driveToCompletion } from '../src/driveToCompletion.ts';
import { openBackend } from '../src/openBackend.ts';
import { createSeededRandom, seedFromEnv } from '../src/seededRandom.ts';
import { startTraffic } from '../src/startTraffic.ts';

describe('eviction under load', () => {
  it('should lose no acknowledged step and leave no training behind while live sessions are evicted', async () => {
    const random = createSeededRandom(seedFromEnv('CHATFLOW_EVICTION_SEED'));
    const backend = await openBackend('redis');
    const maxLive = 40;
    const runtime = createRuntime({
      workflows,
      store: backend.store,
      config: { maxConcurrentSessions: maxLive },
      logger: pino({ level: 'silent' }),
      actors: { trainModel: createDeterministicTrainer({ delayMs: 20 }) },
    });
    let evicted = 0;
    let mostLive = 0;
    runtime.on('session.evicted', () => {
      evicted += 1;
    });
    const keys: SessionKey[] = Array.from({ length: 400 }, (_, i) => ({
      userId: `evict-${i % 97}`,
      conversationId: `chat-${i}`,
    }));
    try {
      const traffic = startTraffic(runtime, keys, createSeededRandom(random.fork()), {
        thinkMs: 10,
      });
      const watch = setInterval(() => {
        mostLive = Math.max(mostLive, runtime.stats().activeSessions);
      }, 20);
      await traffic.progress(2000);
      const figures = await traffic.stop();
      clearInterval(watch);
      expect(figures.problems).toEqual([]);
      expect(figures.unavailable).toBe(0);
      expect(evicted).toBeGreaterThan(0);

      // Checked as this runtime answers (from memory for the sessions it holds live) and
      // as the store holds it (through a runtime that holds none of them live).
      const reader = createRuntime({
        workflows,
        store: backend.store,
        logger: pino({ level: 'silent' }),
        actors: { trainModel: createDeterministicTrainer({ delayMs: 20 }) },
      });
      let checked = 0;
      try {
        for (const step of traffic.acknowledged.values()) {
          for (const view of [
            await runtime.getSession(step.key),
            await reader.getSession(step.key),
          ]) {
            expect(view?.sessionId).toBe(step.sessionId);
            expect(view?.revision ?? 0).toBeGreaterThanOrEqual(step.minRevision);
          }
          checked += 1;
        }
      } finally {
        await reader.shutdown();
      }
      // Every session, evicted or not, mid-training or not, carries on to completion.
      for (const key of keys) {
        const view = await driveToCompletion(runtime, key, createSeededRandom(random.fork()));
        expect(view.workflow?.state).toBe('complete');
      }
      console.log(
        'eviction:',
        JSON.stringify({
          sessions: keys.length,
          maxLive,
          mostLiveSeen: mostLive,
          evictions: evicted,
          acknowledged: figures.acknowledged,
          acknowledgedChecked: checked,
          losses: 0,
        }),
      );
    } finally {
      await runtime.shutdown();
      await backend.close();
    }
  });
});
