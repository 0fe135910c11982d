import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { createClient } from '@keyv/redis';
import type { RedisClient } from '../../src/redis/index.ts';

/** Where the shared test Redis runs (CI starts it). */
export const localRedisUrl = 'redis://127.0.0.1:6379';

const startHint = "Start one with: redis-server --port 6379 --save '' --daemonize yes";

/** Resolves when something answers `PING` on 127.0.0.1:`port`; rejects otherwise. */
function ping(port: number, timeoutMs = 1000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = '';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (!reply.includes('\r\n')) return;
      socket.destroy();
      if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) resolve();
      else reject(new Error(`unexpected reply ${JSON.stringify(reply)}`));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/**
 * Fails (never skips) when the shared Redis at 127.0.0.1:6379 is not there, saying how
 * to start one.
 */
export async function requireLocalRedis(): Promise<void> {
  try {
    await ping(6379);
  } catch (error) {
    throw new Error(
      `These tests need Redis at 127.0.0.1:6379 and found none (${(error as Error).message}). ${startHint}`,
    );
  }
}

let namespaces = 0;

/** A namespace no other test run uses. */
export function uniqueNamespace(): string {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  return `cftest_${run}_${++namespaces}`;
}

/** Runs `task` with a client of its own on the shared Redis. */
export async function withRawClient<T>(
  task: (client: RedisClient) => Promise<T>,
  url = localRedisUrl,
): Promise<T> {
  const client: RedisClient = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await task(client);
  } finally {
    client.destroy();
  }
}

/** Deletes every key of a namespace from the shared Redis. */
export function deleteNamespace(namespace: string): Promise<void> {
  return withRawClient(async (client) => {
    let cursor = '0';
    do {
      const [next, keys] = await client.sendCommand<[string, string[]]>([
        'SCAN',
        cursor,
        'MATCH',
        `${namespace}:*`,
        'COUNT',
        '1000',
      ]);
      cursor = next;
      if (keys.length > 0) await client.sendCommand(['DEL', ...keys]);
    } while (cursor !== '0');
  });
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of a test's own, on a free port. */
export interface OwnRedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server process (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: it keeps nothing). */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      await ping(port, 200);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

/**
 * Spawns `redis-server --port <port> --save '' --appendonly no` (a free port unless
 * one is given) and waits until it answers. Only that child process is ever signalled.
 */
export async function startOwnRedisServer(
  port?: number,
  extraArgs: string[] = [],
): Promise<OwnRedisServer> {
  port ??= await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...extraArgs,
      ],
      { stdio: 'ignore' },
    );
    started.once('error', () => undefined);
    child = started;
    await waitForPing(port, started);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGCONT');
      running.kill('SIGKILL');
      await exited;
    },
    start: launch,
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}
