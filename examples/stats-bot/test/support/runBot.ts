import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stats-bot package folder. */
export const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** The sample data folder. */
export const dataFolder = join(packageDir, 'data');

/**
 * The bot runs in one node process with tsx's loader (not through the `tsx` command,
 * which runs node as a child: killing it would leave the bot running).
 */
const nodeArgs = ['--import', 'tsx', 'src/main.ts'];

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.INIT_CWD;
  delete env.BOT_TOKEN;
  return env;
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** What a finished bot process printed. */
export interface BotRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx src/main.ts --script <script> --data <dataDir>` with the script's lines and
 * resolves when the process exits.
 */
export async function runScript(
  lines: readonly string[],
  dataDir: string,
  extraArgs: readonly string[] = [],
): Promise<BotRun> {
  const scriptDir = await tempDir('stats-bot-script-');
  const script = join(scriptDir, 'script.txt');
  await writeFile(script, `${lines.join('\n')}\n`);
  return runScriptFile(script, dataDir, extraArgs);
}

/** Runs the package's `demo.txt` script. */
export function runDemo(dataDir: string): Promise<BotRun> {
  return runScriptFile(join(packageDir, 'demo.txt'), dataDir, []);
}

function runScriptFile(
  script: string,
  dataDir: string,
  extraArgs: readonly string[],
): Promise<BotRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--script', script, '--data', dataDir, ...extraArgs],
      {
        cwd: packageDir,
        env: childEnv(),
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An interactive bot process: type lines, wait for output, kill it. */
export interface InteractiveBot {
  child: ChildProcessWithoutNullStreams;
  /** Everything printed on standard output so far. */
  output(): string;
  /** Types a line. */
  type(line: string): void;
  /** Resolves when the output printed after `from` matches `pattern`. */
  waitFor(pattern: RegExp, from?: number): Promise<void>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Starts the bot in interactive console mode, its standard input a pipe. */
export function startInteractive(dataDir: string): InteractiveBot {
  const child = spawn(process.execPath, [...nodeArgs, '--data', dataDir], {
    cwd: packageDir,
    env: childEnv(),
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const watcher of watchers) watcher();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    child,
    output: () => stdout,
    type(line) {
      child.stdin.write(`${line}\n`);
    },
    waitFor(pattern, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(stdout.slice(from))) {
            watchers.delete(check);
            resolve();
          }
        };
        watchers.add(check);
        void exited.then(() => {
          if (watchers.has(check)) {
            watchers.delete(check);
            reject(new Error(`The bot exited before printing ${pattern}:\n${stdout}\n${stderr}`));
          }
        });
        check();
      });
    },
    exited,
  };
}
