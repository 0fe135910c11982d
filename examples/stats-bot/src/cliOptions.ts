import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How the bot was asked to run, as read from the command line and the environment. */
export interface CliOptions {
  /** `console` (the default) or `telegram` (`--telegram`). */
  mode: 'console' | 'telegram';
  /** A conversation to replay non-interactively (`--script FILE`), as an absolute path. */
  script?: string;
  /**
   * The user of the console session (`--user ID`).
   * @default 'console'
   */
  userId: string;
  /**
   * The chat of the console session (`--chat ID`).
   * @default 'main'
   */
  conversationId: string;
  /**
   * Where sessions, models, histograms and predictions live (`--data DIR`), absolute.
   * @default examples/stats-bot/.data
   */
  dataDir: string;
  /**
   * The session store (`--store URL`): `sqlite://path`, `redis://host:port` or `memory`.
   * @default `sqlite://<dataDir>/sessions.db`
   */
  store: string;
  /** The Telegram bot token (`BOT_TOKEN`), telegram mode only. */
  token?: string;
  /** `--help`: print the usage and exit. */
  help: boolean;
}

/** A command line the bot does not understand. The message says what is wrong. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** The usage text printed by `--help` and after a {@link CliUsageError}. */
export const usage = `Usage: pnpm start -- [options]

  --script FILE   replay a conversation (one message per line, # comments) and print it
  --user ID       the console user (default: console)
  --chat ID       the console chat (default: main)
  --data DIR      where sessions, models and outputs live (default: examples/stats-bot/.data)
  --store URL     sqlite://path, redis://host:port or memory (default: SQLite in --data)
  --telegram      run as a Telegram bot; needs BOT_TOKEN in the environment
  --help          this text`;

/** The default data folder: `.data` beside this package's `src`. */
export const defaultDataDir: string = fileURLToPath(new URL('../.data', import.meta.url));

/**
 * Reads the command line. Relative paths are resolved against the folder the user ran
 * the command from: `INIT_CWD` when pnpm set it (pnpm runs the script from the
 * package's folder), otherwise `cwd`.
 *
 * @example
 * ```ts
 * const options = parseCliOptions(process.argv.slice(2), process.env, process.cwd());
 * ```
 */
export function parseCliOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): CliOptions {
  const base = env.INIT_CWD && env.INIT_CWD !== '' ? env.INIT_CWD : cwd;
  const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(base, path));
  const values: Record<string, string> = {};
  let telegram = false;
  let help = false;
  const args = argv.filter((arg) => arg !== '--');
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--telegram') telegram = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (['--script', '--user', '--chat', '--data', '--store'].includes(arg)) {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new CliUsageError(`${arg} needs a value.`);
      }
      values[arg.slice(2)] = value;
      index += 1;
    } else {
      throw new CliUsageError(`Unknown option "${arg}".`);
    }
  }
  const dataDir = values.data ? absolute(values.data) : defaultDataDir;
  const store = values.store ?? `sqlite://${join(dataDir, 'sessions.db')}`;
  const options: CliOptions = {
    mode: telegram ? 'telegram' : 'console',
    userId: values.user ?? 'console',
    conversationId: values.chat ?? 'main',
    dataDir,
    store: store.startsWith('sqlite://') ? `sqlite://${absolute(store.slice(9))}` : store,
    help,
  };
  if (values.script) options.script = absolute(values.script);
  if (env.BOT_TOKEN && env.BOT_TOKEN !== '') options.token = env.BOT_TOKEN;
  if (telegram && !options.token && !help) {
    throw new CliUsageError(
      'Telegram mode needs a bot token: set BOT_TOKEN, e.g. `BOT_TOKEN=123456:ABC... pnpm start -- --telegram` (ask @BotFather for one).',
    );
  }
  return options;
}
