import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './childChannel.ts';

/** Options of {@link startChild}. */
export interface StartChildOptions {
  /** Variables added to the child's environment. */
  env?: Record<string, string>;
  /**
   * Extra flags for node (before `--import tsx`), e.g. `--expose-gc`.
   * @default []
   */
  nodeFlags?: string[];
  /** Called with each message the child writes, as it arrives. */
  onMessage?: (message: ChildMessage) => void;
}

/** A child process running a TypeScript file with `node --import tsx`. */
export interface ChildHandle {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Every message the child wrote so far, in order. */
  readonly messages: ChildMessage[];
  /** What the child wrote to stderr so far. */
  stderr(): string;
  /** Writes a message to the child's stdin. */
  send(message: ChildMessage): void;
  /** Resolves with the first message (already received or to come) that `matches`. */
  waitFor(matches: (message: ChildMessage) => boolean, timeoutMs?: number): Promise<ChildMessage>;
  /** Sends a signal to this child's pid only. */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once the child exited and all its output was read. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node --import tsx <script>` with piped stdio. The child speaks JSON lines
 * (see `emit` and `onParentMessage`); lines that are not JSON are kept with stderr.
 *
 * @example
 * ```ts
 * const child = startChild(new URL('./children/crashWorker.ts', import.meta.url), { env });
 * await child.waitFor((message) => message.type === 'ready');
 * child.send({ type: 'go' });
 * child.kill('SIGKILL');
 * await child.closed;
 * ```
 */
export function startChild(script: URL, options: StartChildOptions = {}): ChildHandle {
  const path = fileURLToPath(script);
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', path], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const messages: ChildMessage[] = [];
  const waiters: { matches(message: ChildMessage): boolean; resolve(m: ChildMessage): void }[] = [];
  let errors = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    errors = (errors + chunk).slice(-20_000);
  });
  child.stdin?.on('error', () => undefined);
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let message: ChildMessage;
    try {
      message = JSON.parse(line) as ChildMessage;
    } catch {
      errors = `${errors}${line}\n`.slice(-20_000);
      return;
    }
    messages.push(message);
    options.onMessage?.(message);
    for (const waiter of [...waiters]) {
      if (waiter.matches(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const outputDone = new Promise<void>((resolve) => lines.once('close', resolve));
  const closed = Promise.all([exited, outputDone]).then(([status]) => status);
  if (child.pid === undefined) throw new Error(`could not start ${path}`);
  const pid = child.pid;
  return {
    process: child,
    pid,
    messages,
    stderr: () => errors,
    send(message) {
      child.stdin?.write(`${JSON.stringify(message)}\n`);
    },
    waitFor(matches, timeoutMs = 60_000) {
      const found = messages.find(matches);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(`child ${pid} sent no matching message within ${timeoutMs} ms\n${errors}`),
          );
        }, timeoutMs);
        const waiter = {
          matches,
          resolve: (message: ChildMessage) => {
            clearTimeout(timer);
            resolve(message);
          },
        };
        waiters.push(waiter);
        void closed.then(() => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(new Error(`child ${pid} exited before a matching message\n${errors}`));
        });
      });
    },
    kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    closed,
  };
}
