import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { freePort } from './freePort.ts';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** The directory Redis keeps its append-only file in. */
  dir: string;
  /**
   * Whether Redis logs every write to its append-only file (kept across restarts).
   * @default false
   */
  appendOnly?: boolean;
  /**
   * With `appendOnly`, whether every write is fsynced before Redis answers.
   * @default false
   */
  fsyncAlways?: boolean;
  /**
   * The port.
   * @default a free port
   */
  port?: number;
}

/** A redis-server process of a test's own. Only its pid is ever signalled. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The pid of the running process, or `undefined` while it is stopped. */
  readonly pid: number | undefined;
  /** Kills the process (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory (an append-only file is replayed). */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
}

/** Resolves when the server on `port` answers `PING`; rejects otherwise. */
function ping(port: number, timeoutMs: number): Promise<void> {
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
      // -LOADING: the append-only file is still being replayed.
      if (reply.startsWith('+PONG')) resolve();
      else reject(new Error(`unexpected reply ${JSON.stringify(reply)}`));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

async function waitUntilServing(port: number, child: ChildProcess): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 400; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      await ping(port, 250);
      return;
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error(`redis-server on port ${port} did not answer: ${String(last)}`);
}

/**
 * Spawns `redis-server` on a free port with its files in `dir`, bound to 127.0.0.1,
 * without RDB snapshots, and waits until it answers.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer({ dir, appendOnly: true, fsyncAlways: true });
 * const store = createStore(redis.url);
 * await redis.stop();
 * ```
 */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    options.appendOnly === true ? 'yes' : 'no',
    '--dir',
    options.dir,
  ];
  if (options.appendOnly === true && options.fsyncAlways === true) {
    args.push('--appendfsync', 'always');
  }
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child !== undefined) return;
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    started.once('error', () => undefined);
    child = started;
    await waitUntilServing(port, started);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    async stop() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    start,
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}
