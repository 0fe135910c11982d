import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '@chatflow/runtime';
import type { Registry } from 'prom-client';
import { type ChatflowMetrics, createChatflowMetrics } from './createChatflowMetrics.ts';

/** Options of {@link createOpsHandler}. */
export interface OpsHandlerOptions {
  /**
   * The metrics to expose. Pass the ones whose `observeStoreTiming`
   * you wired elsewhere, so the counts add up in one place; the runtime is attached to
   * them when they observe none yet.
   * @default createChatflowMetrics({ runtime, registry })
   */
  metrics?: ChatflowMetrics;
  /**
   * Registry for the metrics created when `metrics` is not given.
   * @default new Registry()
   */
  registry?: Registry;
}

/** A node `http` request handler serving `/healthz` and `/metrics`. */
export interface OpsHandler {
  (request: IncomingMessage, response: ServerResponse): void;
  /** The metrics it serves. */
  readonly metrics: ChatflowMetrics;
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  head: boolean,
) {
  response.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  response.end(head ? undefined : body);
}

/**
 * A request handler for health checks and Prometheus scrapes of a runtime:
 *
 * - `GET /healthz`: `runtime.health()` as JSON, `200` when healthy and `503` when
 *   degraded (or when the health check itself fails);
 * - `GET /metrics`: the metrics in Prometheus' text exposition format.
 *
 * Other paths answer `404`, other methods `405`. Mount it on a server of its own (see
 * `createOpsServer`) or route to it from an existing one.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * const ops = createOpsHandler(runtime);
 * createServer(ops).listen(9464, '127.0.0.1');
 * ```
 */
export function createOpsHandler(runtime: Runtime, options: OpsHandlerOptions = {}): OpsHandler {
  const metrics =
    options.metrics ??
    createChatflowMetrics({
      runtime,
      ...(options.registry === undefined ? {} : { registry: options.registry }),
    });
  if (metrics.runtime === undefined) metrics.attach(runtime);

  async function serve(request: IncomingMessage, response: ServerResponse) {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const method = request.method ?? 'GET';
    if (path !== '/healthz' && path !== '/metrics') {
      send(response, 404, 'text/plain; charset=utf-8', 'Not found\n', method === 'HEAD');
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', false);
      return;
    }
    const head = method === 'HEAD';
    if (path === '/healthz') {
      try {
        const health = await runtime.health();
        const status = health.status === 'healthy' ? 200 : 503;
        send(response, status, 'application/json', `${JSON.stringify(health)}\n`, head);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const body = `${JSON.stringify({ status: 'degraded', error: message })}\n`;
        send(response, 503, 'application/json', body, head);
      }
      return;
    }
    try {
      const text = await metrics.registry.metrics();
      send(response, 200, metrics.registry.contentType, text, head);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send(response, 500, 'text/plain; charset=utf-8', `Metrics failed: ${message}\n`, head);
    }
  }

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  };
  return Object.assign(handler, { metrics });
}
