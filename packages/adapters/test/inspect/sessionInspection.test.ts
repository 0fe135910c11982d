import type { AddressInfo } from 'node:net';
import { exampleDataset, workflows } from '@chatflow/machines';
import { createRuntime } from '@chatflow/runtime';
import { createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';

/** A loopback WebSocket server standing in for the inspector's side, collecting events. */
async function startCollector() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const events: StatelyInspectionEvent[] = [];
  const waiters: Array<() => void> = [];
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      events.push(JSON.parse(data.toString()) as StatelyInspectionEvent);
      for (const wake of waiters.splice(0)) wake();
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    async until(predicate: (all: StatelyInspectionEvent[]) => boolean) {
      while (!predicate(events)) await new Promise<void>((wake) => waiters.push(wake));
      return events;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

describe('inspecting runtime sessions with @statelyai/inspect', () => {
  it('should stream the actor, events and snapshots of each session under a name that says whose it is', async () => {
    const collector = await startCollector();
    const inspector = createWebSocketInspector({ url: collector.url });
    const runtime = createRuntime({ workflows, inspect: inspector.inspect });
    try {
      const ada = { userId: 42, conversationId: 'chat-7' };
      const bob = { userId: 43, conversationId: 'chat-8' };
      await runtime.getOrCreateSession(ada);
      await runtime.getOrCreateSession(bob);
      await runtime.startWorkflow(ada, 'ml_training');
      await runtime.startWorkflow(bob, 'data_exploration');
      await runtime.send(ada, { type: 'data.uploaded', dataset: exampleDataset() });
      await runtime.send(ada, { type: 'target.selected', column: 'price' });

      const events = await collector.until((all) =>
        all.some(
          (event) =>
            event.type === '@xstate.snapshot' &&
            (event.snapshot as { value?: unknown }).value === 'selecting_features',
        ),
      );
      const actors = events.filter((event) => event.type === '@xstate.actor');
      // Actor ids name the chat and end with the first characters of the session id.
      const adaActor = actors.find((event) =>
        event.name?.startsWith('chatflow:42:chat-7:ml_training:'),
      );
      const bobActor = actors.find((event) =>
        event.name?.startsWith('chatflow:43:chat-8:data_exploration:'),
      );
      expect(adaActor).toBeDefined();
      expect(bobActor).toBeDefined();
      // The definition travels along, so the inspector can draw the machine.
      expect(JSON.parse(adaActor?.definition ?? '{}')).toMatchObject({ id: 'mlTraining' });

      const adaEvents = events.flatMap((event) =>
        event.type === '@xstate.event' && event.sessionId === adaActor?.sessionId
          ? [event.event.type]
          : [],
      );
      expect(adaEvents).toEqual(expect.arrayContaining(['data.uploaded', 'target.selected']));
      const adaStates = events.flatMap((event) =>
        event.type === '@xstate.snapshot' && event.sessionId === adaActor?.sessionId
          ? [(event.snapshot as { value?: unknown }).value]
          : [],
      );
      expect(adaStates).toEqual(expect.arrayContaining(['selecting_target', 'selecting_features']));
      // Nothing of Bob's session is reported under Ada's actor.
      expect(
        events.some(
          (event) =>
            event.type === '@xstate.snapshot' &&
            event.sessionId === adaActor?.sessionId &&
            (event.snapshot as { value?: unknown }).value === 'exploring',
        ),
      ).toBe(false);
    } finally {
      await runtime.shutdown();
      inspector.stop();
      await collector.close();
    }
  });
});
