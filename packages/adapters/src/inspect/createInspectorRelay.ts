import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { renderRelayPage } from './renderRelayPage.ts';

/** Options of {@link createInspectorRelay}. */
export interface InspectorRelayOptions {
  /**
   * Port of the relay (HTTP page and WebSocket on the same port); `0` picks a free one.
   * @default 8080
   */
  port?: number;
  /**
   * Interface to listen on. The default keeps session snapshots on this machine; use
   * `'0.0.0.0'` only behind something that authenticates.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * The Stately inspector page the relay's page embeds.
   * @default 'https://stately.ai/inspect'
   */
  inspectorUrl?: string;
  /**
   * How many recent inspection events a viewer that connects later receives first.
   * @default 200
   */
  bufferSize?: number;
  /**
   * Largest inspection event accepted, in bytes; bigger messages close the sender.
   * @default 4194304 (4 MiB)
   */
  maxMessageBytes?: number;
  /**
   * Page origins, besides the relay's own loopback addresses, whose WebSocket
   * connections are accepted (e.g. `'http://ops-box:8080'` when `host` is `'0.0.0.0'`).
   * Connections without an `Origin` header (other processes, not browsers) are accepted.
   * @default []
   */
  allowedOrigins?: readonly string[];
}

/** A running relay: where to connect the inspector and where to point the browser. */
export interface InspectorRelay {
  /** WebSocket URL for `createWebSocketInspector({ url })`, e.g. `ws://127.0.0.1:8080`. */
  readonly url: string;
  /** Page to open in a browser, e.g. `http://127.0.0.1:8080/`. */
  readonly pageUrl: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** Disconnects every client and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a relay between a process's XState actors and the Stately inspector in a
 * browser. The process connects with `createWebSocketInspector` from
 * `@statelyai/inspect`; a browser opens {@link InspectorRelay.pageUrl}, which embeds the
 * Stately inspector and receives every event the process sends (the last `bufferSize`
 * events are replayed to a viewer that connects later).
 *
 * Compared with `createInspectorServer` from `@statelyai/inspect/server`, the relay
 * listens on loopback unless told otherwise, refuses WebSocket connections opened by
 * web pages of other origins (a page on another site cannot read the sessions), never
 * launches a browser, resolves once it is listening (so `port: 0` works) and closes
 * with a promise.
 *
 * @example
 * ```ts
 * import { createWebSocketInspector } from '@statelyai/inspect';
 * import { createInspectorRelay } from '@chatflow/adapters/inspect';
 *
 * const relay = await createInspectorRelay({ port: 8080 });
 * const inspector = createWebSocketInspector({ url: relay.url });
 * const runtime = createRuntime({ workflows, inspect: inspector.inspect });
 * console.log(`Watch the sessions at ${relay.pageUrl}`);
 * ```
 */
export async function createInspectorRelay(
  options: InspectorRelayOptions = {},
): Promise<InspectorRelay> {
  const host = options.host ?? '127.0.0.1';
  const inspectorUrl = options.inspectorUrl ?? 'https://stately.ai/inspect';
  const bufferSize = options.bufferSize ?? 200;
  const page = renderRelayPage(inspectorUrl);

  const http = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '/') !== '/') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      })
      .end(page);
  });

  let ownOrigins: readonly string[] = [];
  const isAllowed = (request: IncomingMessage): boolean => {
    const origin = request.headers.origin;
    // Other processes send no Origin; browsers always do, and a fixed list of origins
    // (not the Host header) keeps pages of other sites out, DNS rebinding included.
    return origin === undefined || ownOrigins.includes(origin);
  };

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8080, host, () => {
      http.off('error', reject);
      resolve();
    });
  });

  const sockets = new WebSocketServer({
    server: http,
    maxPayload: options.maxMessageBytes ?? 4 * 2 ** 20,
    verifyClient: ({ req }: { req: IncomingMessage }) => isAllowed(req),
  });

  const recent: string[] = [];
  sockets.on('connection', (socket) => {
    for (const message of recent) socket.send(message);
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = data.toString();
      recent.push(message);
      if (recent.length > bufferSize) recent.shift();
      for (const client of sockets.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
      }
    });
  });

  const { port } = http.address() as AddressInfo;
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  ownOrigins = [
    `http://${authority}`,
    ...['localhost', '127.0.0.1', '[::1]'].map((name) => `http://${name}:${port}`),
    ...(options.allowedOrigins ?? []),
  ];

  return {
    url: `ws://${authority}`,
    pageUrl: `http://${authority}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        http.close((error) => (error ? reject(error) : resolve()));
        http.closeAllConnections();
      }),
  };
}
