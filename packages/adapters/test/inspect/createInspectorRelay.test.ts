import { networkInterfaces } from 'node:os';
import { createWebSocketInspector } from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createActor, createMachine } from 'xstate';
import { createInspectorRelay, type InspectorRelay } from '../../src/inspect/index.ts';

interface Received {
  type: string;
  name?: string;
  sessionId?: string;
  event?: { type: string };
  snapshot?: { value?: unknown };
}

/** A viewer connected to the relay, collecting what it receives. */
function connectViewer(url: string, origin?: string) {
  const messages: Received[] = [];
  const waiters: Array<() => void> = [];
  const socket = new WebSocket(url, origin === undefined ? {} : { origin });
  socket.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as Received);
    for (const wake of waiters.splice(0)) wake();
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const until = async (predicate: (all: Received[]) => boolean) => {
    while (!predicate(messages)) await new Promise<void>((wake) => waiters.push(wake));
    return messages;
  };
  return { socket, messages, opened, until };
}

const toggle = createMachine({
  id: 'toggle',
  initial: 'off',
  states: { off: { on: { flip: 'on' } }, on: { on: { flip: 'off' } } },
});

describe('createInspectorRelay', () => {
  let relay: InspectorRelay | undefined;
  const cleanups: Array<() => void> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await relay?.close();
    relay = undefined;
  });

  it('should listen on loopback by default and report the bound port', async () => {
    relay = await createInspectorRelay({ port: 0 });
    expect(relay.port).toBeGreaterThan(0);
    expect(relay.url).toBe(`ws://127.0.0.1:${relay.port}`);
    expect(relay.pageUrl).toBe(`http://127.0.0.1:${relay.port}/`);
    expect((await fetch(relay.pageUrl)).status).toBe(200);

    const external = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal);
    if (external !== undefined) {
      await expect(fetch(`http://${external.address}:${relay.port}/`)).rejects.toThrow();
    }
  });

  it('should serve a page that embeds the Stately inspector and connects back', async () => {
    relay = await createInspectorRelay({ port: 0, inspectorUrl: 'https://example.test/inspect' });
    const response = await fetch(relay.pageUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('"https://example.test/inspect"');
    expect(html).toContain('@statelyai.connected');
    expect(html).toContain('new WebSocket');

    const missing = await fetch(new URL('/other', relay.pageUrl));
    expect(missing.status).toBe(404);
  });

  it('should not let an inspector URL break out of the page script', async () => {
    relay = await createInspectorRelay({ port: 0, inspectorUrl: '</script><b>x</b>' });
    const html = await (await fetch(relay.pageUrl)).text();
    expect(html).not.toContain('</script><b>');
  });

  it('should relay the inspection events of an actor to a viewer', async () => {
    relay = await createInspectorRelay({ port: 0 });
    const viewer = connectViewer(relay.url);
    cleanups.push(() => viewer.socket.close());
    await viewer.opened;

    const inspector = createWebSocketInspector({ url: relay.url });
    cleanups.push(() => inspector.stop());
    const actor = createActor(toggle, { id: 'chat-42', inspect: inspector.inspect });
    actor.start();
    actor.send({ type: 'flip' });

    const messages = await viewer.until((all) =>
      all.some((m) => m.type === '@xstate.snapshot' && m.snapshot?.value === 'on'),
    );
    const actorEvent = messages.find((m) => m.type === '@xstate.actor');
    expect(actorEvent?.name).toBe('chat-42');
    expect(messages.some((m) => m.type === '@xstate.event' && m.event?.type === 'flip')).toBe(true);
    actor.stop();
  });

  it('should replay recent events to a viewer that connects later, up to bufferSize', async () => {
    relay = await createInspectorRelay({ port: 0, bufferSize: 3 });
    const producer = connectViewer(relay.url);
    cleanups.push(() => producer.socket.close());
    await producer.opened;
    const early = connectViewer(relay.url);
    cleanups.push(() => early.socket.close());
    await early.opened;
    for (let i = 0; i < 5; i++) producer.socket.send(JSON.stringify({ type: `e${i}` }));
    await early.until((all) => all.length === 5);

    const late = connectViewer(relay.url);
    cleanups.push(() => late.socket.close());
    await late.opened;
    const replayed = await late.until((all) => all.length === 3);
    expect(replayed.map((m) => m.type)).toEqual(['e2', 'e3', 'e4']);
  });

  it("should refuse WebSocket connections from another site's pages", async () => {
    relay = await createInspectorRelay({ port: 0 });
    const stranger = connectViewer(relay.url, 'https://evil.example');
    await expect(stranger.opened).rejects.toThrow(/401/);

    const ownPage = connectViewer(relay.url, `http://127.0.0.1:${relay.port}`);
    cleanups.push(() => ownPage.socket.close());
    await expect(ownPage.opened).resolves.toBeUndefined();
  });

  it('should accept the extra origins it is given', async () => {
    relay = await createInspectorRelay({ port: 0, allowedOrigins: ['http://ops-box:9000'] });
    const viewer = connectViewer(relay.url, 'http://ops-box:9000');
    cleanups.push(() => viewer.socket.close());
    await expect(viewer.opened).resolves.toBeUndefined();
  });

  it('should refuse to start on a port that is taken', async () => {
    relay = await createInspectorRelay({ port: 0 });
    await expect(createInspectorRelay({ port: relay.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
