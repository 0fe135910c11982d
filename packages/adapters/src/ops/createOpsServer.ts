import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '@chatflow/runtime';
import type { ChatflowMetrics } from './createChatflowMetrics.ts';
import { createOpsHandler, type OpsHandlerOptions } from './createOpsHandler.ts';

/** Options of {@link createOpsServer}. */
export interface OpsServerOptions extends OpsHandlerOptions {
  runtime: Runtime;
  /**
   * Port to listen on; `0` picks a free one.
   * @default 9464
   */
  port?: number;
  /**
   * Interface to listen on. Metrics and health stay on this machine unless you choose
   * otherwise (e.g. `'0.0.0.0'` for a scraper on another host).
   * @default '127.0.0.1'
   */
  host?: string;
}

/** A running ops server. */
export interface OpsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  readonly metrics: ChatflowMetrics;
  /** Stops listening and closes open connections (and the metrics it created). */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server with `/healthz` and `/metrics` for a runtime (see
 * `createOpsHandler`). Resolves once it listens.
 *
 * @example
 * ```ts
 * const ops = await createOpsServer({ runtime, port: 9464 });
 * console.log(`metrics at ${ops.url}/metrics`);
 * ```
 */
export async function createOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { runtime, host = '127.0.0.1', port = 9464 } = options;
  const handler = createOpsHandler(runtime, options);
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const authority = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${authority}:${bound}`,
    port: bound,
    metrics: handler.metrics,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (options.metrics === undefined) handler.metrics.dispose();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
