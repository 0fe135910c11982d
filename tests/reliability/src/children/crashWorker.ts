/**
 * A bot process for crash tests: walks several sessions through ML training on the
 * store at CHATFLOW_STORE_URL, and writes each acknowledged step (an `ok: true` result)
 * as an `ack` line the moment it returns (the session's id and the revision the step
 * must at least have reached), then the session as read back after it (`seen`: its
 * revision and a fingerprint of what it holds).
 * It loads everything, says `ready`, and starts when the parent says `go`; the parent
 * kills it with SIGKILL at a moment of its choosing.
 */
import { workflows } from '@chatflow/machines';
import { createRuntime, type SessionKey } from '@chatflow/runtime';
import { pino } from 'pino';
import { emit, onParentMessage } from '../childChannel.ts';
import { createDeterministicTrainer } from '../deterministicTrainer.ts';
import { loadStore } from '../loadStore.ts';
import { createSeededRandom } from '../seededRandom.ts';
import { nextTrainingMove } from '../trainingDriver.ts';
import { viewFingerprint } from '../viewFingerprint.ts';

const url = process.env.CHATFLOW_STORE_URL ?? 'memory';
const keys = JSON.parse(process.env.CHATFLOW_SESSION_KEYS ?? '[]') as SessionKey[];

const store = await loadStore(url, { commandTimeoutMs: 5000, connectTimeoutMs: 5000 });
const runtime = createRuntime({
  workflows,
  store,
  logger: pino({ level: 'warn' }, pino.destination(2)),
  actors: { trainModel: createDeterministicTrainer({ delayMs: 15 }) },
  // One bot, restarted after each kill: the same name takes over its work at once.
  owner: 'crash-bot',
});

async function walk(key: SessionKey, seed: number): Promise<never> {
  const random = createSeededRandom(seed);
  for (;;) {
    // A user thinks between messages; it also leaves the CPU to the next worker loading.
    await new Promise((resolve) => setTimeout(resolve, random.int(0, 4)));
    const view = await runtime.getOrCreateSession(key);
    if (view.reset !== undefined) emit({ type: 'reset', key, reset: view.reset });
    const move = nextTrainingMove(view.workflow, random, { back: 0.1, cancel: 0.02 });
    if (move.kind === 'wait') {
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    const result =
      move.kind === 'start'
        ? await runtime.startWorkflow(key, 'ml_training')
        : await runtime.send(key, move.event);
    if (!result.ok) {
      emit({ type: 'refused', key, code: result.code, message: result.message });
      continue;
    }
    // The step is acknowledged: it is in the store, at a revision above the one read before.
    emit({
      type: 'ack',
      key,
      event: move.kind === 'start' ? 'start' : move.event.type,
      state: result.state,
      sessionId: view.sessionId,
      minRevision: view.revision + 1,
    });
    const after = await runtime.getSession(key);
    if (after === undefined) throw new Error('an acknowledged session is missing');
    emit({
      type: 'seen',
      key,
      sessionId: after.sessionId,
      revision: after.revision,
      fingerprint: viewFingerprint(after),
    });
  }
}

onParentMessage((message) => {
  if (message.type !== 'go') return;
  const random = createSeededRandom(Number(message.seed));
  for (const key of keys) {
    walk(key, random.fork()).catch((error: unknown) => {
      emit({ type: 'failed', key, error: String(error) });
    });
  }
});

// Open the store before saying ready, so a kill cycle pays for no connection set-up.
await runtime.getSession({ userId: 'warm-up', conversationId: 'warm-up' });
emit({ type: 'ready' });
