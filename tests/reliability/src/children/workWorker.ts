/**
 * A bot process for tests of work in flight: its trainer takes CHATFLOW_TRAIN_MS of
 * real time and appends each run to CHATFLOW_RUNS_FILE (`start` and `end` lines with
 * the run's session, workflow run, attempt and this pid). The parent tells it to start
 * its runtime (`start`), to walk sessions through ML training (`drive`), to touch
 * sessions as a user's message would (`touch`), and to let running work finish
 * (`finish`); it kills it with SIGKILL whenever it likes.
 */
import { appendFileSync } from 'node:fs';
import { type TrainModelInput, type TrainModelOutput, workflows } from '@chatflow/machines';
import { createRuntime, type Runtime, type SessionKey } from '@chatflow/runtime';
import { pino } from 'pino';
import { fromPromise } from 'xstate';
import { emit, onParentMessage } from '../childChannel.ts';
import { loadStore } from '../loadStore.ts';
import { createSeededRandom } from '../seededRandom.ts';
import { nextTrainingMove } from '../trainingDriver.ts';

const env = process.env;
const keys = JSON.parse(env.CHATFLOW_SESSION_KEYS ?? '[]') as SessionKey[];
const runsFile = env.CHATFLOW_RUNS_FILE ?? '';
const trainMs = Number(env.CHATFLOW_TRAIN_MS ?? 300);

function record(line: Record<string, unknown>): void {
  appendFileSync(runsFile, `${JSON.stringify({ ...line, pid: process.pid, at: Date.now() })}\n`);
}

let runtime!: Runtime;
const trainModel = fromPromise<TrainModelOutput, TrainModelInput>(async ({ system, signal }) => {
  const work = runtime.workOf(system);
  if (work === undefined) throw new Error('training outside of a runtime work run');
  const run = { sessionId: work.sessionId, instanceId: work.instanceId, attempt: work.attempt };
  record({ ...run, phase: 'start' });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, trainMs);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('stopped'));
    });
  });
  record({ ...run, phase: 'end' });
  // One model per confirmation: a model appears twice only if an outcome is written twice.
  return { modelId: `model-${work.instanceId}`, metrics: { r2: 0.9 } };
});

const store = await loadStore(env.CHATFLOW_STORE_URL ?? 'memory', {
  commandTimeoutMs: 5000,
  connectTimeoutMs: 5000,
});
runtime = createRuntime({
  workflows,
  store,
  owner: env.CHATFLOW_OWNER ?? 'bot',
  config: {
    workLeaseSeconds: Number(env.CHATFLOW_LEASE_SECONDS ?? 30),
    maxWorkAttempts: Number(env.CHATFLOW_MAX_ATTEMPTS ?? 1000),
  },
  logger: pino({ level: 'warn' }, pino.destination(2)),
  actors: { trainModel },
});
runtime.on('workflow.completed', (event) => {
  emit({ type: 'completed', key: event.key, sessionId: event.sessionId, source: event.source });
});

let driving = false;
const drivers: Promise<void>[] = [];
async function drive(key: SessionKey, seed: number): Promise<void> {
  const random = createSeededRandom(seed);
  while (driving) {
    await new Promise((resolve) => setTimeout(resolve, random.int(1, 10)));
    const view = await runtime.getOrCreateSession(key);
    const move = nextTrainingMove(view.workflow, random);
    if (move.kind === 'wait') continue;
    const result =
      move.kind === 'start'
        ? await runtime.startWorkflow(key, 'ml_training')
        : await runtime.send(key, move.event);
    if (!result.ok) throw new Error(`refused: ${result.code} ${result.message}`);
    if (move.kind === 'send' && move.event.type === 'model.confirmed') {
      emit({ type: 'confirmed', key, sessionId: view.sessionId });
    }
  }
}

async function inTraining(): Promise<number> {
  let count = 0;
  for (const key of keys) {
    const view = await runtime.getOrCreateSession(key);
    if (view.workflow?.state === 'training') count += 1;
  }
  return count;
}

onParentMessage((message) => {
  const handle = async () => {
    switch (message.type) {
      case 'start':
        await runtime.start();
        emit({ type: 'started' });
        return;
      case 'drive': {
        driving = true;
        const random = createSeededRandom(Number(message.seed));
        for (const key of keys) {
          drivers.push(
            drive(key, random.fork()).catch((error: unknown) =>
              emit({ type: 'failed', error: String(error) }),
            ),
          );
        }
        return;
      }
      case 'touch':
        for (const key of keys) await runtime.getOrCreateSession(key);
        emit({ type: 'touched' });
        return;
      case 'finish':
        driving = false;
        await Promise.all(drivers);
        while ((await inTraining()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        emit({ type: 'finished' });
        return;
    }
  };
  handle().catch((error: unknown) => emit({ type: 'failed', error: String(error) }));
});

emit({ type: 'ready' });
