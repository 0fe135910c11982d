/**
 * A bot process whose time is the number in the file CHATFLOW_CLOCK_FILE (milliseconds
 * since the epoch), which the parent writes. Workflow timers run on an XState
 * `SimulatedClock` set from that file at start and on every `tick` message, so the
 * parent decides when time passes, also while this process is down. Every workflow
 * step is written as a `transition` line with its source and the time it happened.
 */
import { readFileSync } from 'node:fs';
import { createStore } from '@chatflow/adapters';
import { createRuntime, type SessionKey } from '@chatflow/runtime';
import { pino } from 'pino';
import { SimulatedClock } from 'xstate';
import { emit, onParentMessage } from '../childChannel.ts';
import { reminderWorkflow } from '../reminderWorkflow.ts';

const url = process.env.CHATFLOW_STORE_URL ?? 'memory';
const clockFile = process.env.CHATFLOW_CLOCK_FILE ?? '';
const readTime = () => Number(readFileSync(clockFile, 'utf8'));

const clock = new SimulatedClock();
clock.set(readTime());
const store = createStore(url, { commandTimeoutMs: 5000 });
const runtime = createRuntime({
  workflows: { reminder: reminderWorkflow },
  store,
  now: () => clock.now(),
  clock: {
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (handle) => clock.clearTimeout(handle as number),
  },
  config: { sessionTimeoutMinutes: 24 * 60 },
  logger: pino({ level: 'warn' }, pino.destination(2)),
});
runtime.on('workflow.transition', (event) => {
  emit({
    type: 'transition',
    key: event.key,
    from: event.from,
    state: event.state,
    source: event.source,
    at: event.at,
  });
});

onParentMessage((message) => {
  const key = message.key as SessionKey;
  const handle = async () => {
    switch (message.type) {
      case 'start': {
        await runtime.getOrCreateSession(key);
        const result = await runtime.startWorkflow(key, 'reminder');
        emit({ type: 'started', key, ok: result.ok });
        return;
      }
      case 'send': {
        const result = await runtime.send(key, message.event);
        emit({ type: 'sent', key, ok: result.ok, state: result.ok ? result.state : null });
        return;
      }
      case 'tick':
        clock.set(readTime());
        emit({ type: 'ticked', now: clock.now() });
        return;
      case 'report': {
        const states: Record<string, string | null> = {};
        for (const reported of message.keys as SessionKey[]) {
          const view = await runtime.getSession(reported);
          states[reported.conversationId] = view?.workflow?.state ?? null;
        }
        emit({ type: 'report', now: clock.now(), states });
        return;
      }
    }
  };
  handle().catch((error: unknown) => emit({ type: 'failed', error: String(error) }));
});

await runtime.start();
emit({ type: 'ready', now: clock.now() });
