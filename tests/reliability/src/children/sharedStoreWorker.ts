/**
 * One of two bot processes sharing a Redis: sends `add` events of the counter workflow
 * to the sessions in CHATFLOW_SESSION_KEYS, from several lanes at once, in an order
 * drawn from the seed the parent gives both processes (so both hit the same session at
 * the same time). Writes an `ack` line per acknowledged event with the position the
 * event took in the session (its place in the workflow's list of applied events). With
 * `shared`, both processes send the same messages with the same `messageId` (an update
 * delivered to two bot instances), and a message already applied is acknowledged as a
 * duplicate.
 */
import { createStore } from '@chatflow/adapters';
import { ChatflowError, createRuntime, type SessionKey } from '@chatflow/runtime';
import { pino } from 'pino';
import { emit, onParentMessage } from '../childChannel.ts';
import { type CounterContext, counterWorkflow } from '../counterWorkflow.ts';
import { createSeededRandom } from '../seededRandom.ts';

const url = process.env.CHATFLOW_STORE_URL ?? 'memory';
const worker = process.env.CHATFLOW_WORKER ?? 'A';
const keys = JSON.parse(process.env.CHATFLOW_SESSION_KEYS ?? '[]') as SessionKey[];

const store = createStore(url, { commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 });
const runtime = createRuntime({
  workflows: { counter: counterWorkflow },
  store,
  logger: pino({ level: 'warn' }, pino.destination(2)),
});

async function run(seed: number, events: number, lanes: number, shared: boolean): Promise<void> {
  // The same seed in both processes: the same session for the same slot, at about the same time.
  const order = createSeededRandom(seed);
  const sessionOf = Array.from({ length: events }, () => order.int(0, keys.length - 1));
  // Shared: both processes receive the same messages (one update delivered to both).
  const amounts = createSeededRandom(shared ? seed : seed ^ worker.charCodeAt(0));
  const amountOf = Array.from({ length: events }, () => amounts.int(-5, 5));
  let next = 0;
  let conflicts = 0;
  let acknowledged = 0;
  const lane = async () => {
    while (next < events) {
      const slot = next++;
      const session = sessionOf[slot]!;
      const id = shared ? `S-${slot}` : `${worker}-${slot}`;
      const event = { type: 'add', id, amount: amountOf[slot]! };
      for (let attempt = 1; ; attempt++) {
        try {
          const result = shared
            ? await runtime.send(keys[session]!, event, { messageId: id })
            : await runtime.send(keys[session]!, event);
          if (!result.ok) throw new Error(`refused: ${result.code} ${result.message}`);
          const ids = (result.context as CounterContext).ids;
          emit({
            type: 'ack',
            session,
            id,
            amount: event.amount,
            position: result.duplicate === true ? ids.lastIndexOf(id) + 1 : ids.length,
            duplicate: result.duplicate === true,
          });
          acknowledged += 1;
          break;
        } catch (error) {
          // Other writers kept winning for the runtime's 8 attempts: nothing was applied.
          if (!(error instanceof ChatflowError && error.code === 'CONFLICT') || attempt >= 20) {
            throw error;
          }
          conflicts += 1;
          await new Promise((resolve) => setTimeout(resolve, attempt * 3));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  emit({ type: 'done', acknowledged, conflicts });
}

onParentMessage((message) => {
  if (message.type !== 'go') return;
  run(
    Number(message.seed),
    Number(message.events),
    Number(message.lanes),
    message.shared === true,
  ).catch((error: unknown) => emit({ type: 'failed', error: String(error) }));
});

await runtime.getSession({ userId: 'warm-up', conversationId: 'warm-up' });
emit({ type: 'ready' });
