import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CliUsageError, parseCliOptions, usage } from './cliOptions.ts';
import { createTelegramBot, telegramCommands } from './createTelegramBot.ts';
import { openStatsBot } from './openStatsBot.ts';
import { parseScript } from './parseScript.ts';
import { runConsole } from './runConsole.ts';

/** Runs the bot as the command line asks; resolves to the process exit code. */
async function main(): Promise<number> {
  let options: ReturnType<typeof parseCliOptions>;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env, process.cwd());
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let script: string[] | undefined;
  if (options.script) {
    try {
      script = parseScript(await readFile(options.script, 'utf8'));
    } catch (error) {
      process.stderr.write(
        `Cannot read the script ${options.script}: ${(error as Error).message}\n`,
      );
      return 2;
    }
  }
  const opened = await openStatsBot({
    store: options.store,
    dataDir: options.dataDir,
    logLevel: options.mode === 'telegram' ? 'warn' : 'error',
  });
  const stop = async (): Promise<void> => {
    await opened.close();
  };

  if (options.mode === 'telegram') {
    const telegram = createTelegramBot({
      token: options.token ?? '',
      bot: opened.bot,
      runtime: opened.runtime,
    });
    const shutdown = (): void => {
      void telegram.stop().finally(() => stop().finally(() => process.exit(0)));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    await telegram.api.setMyCommands(telegramCommands);
    await telegram.start({
      onStart: (info) => {
        process.stderr.write(`Telegram bot @${info.username} is running (Ctrl+C stops it).\n`);
      },
    });
    return 0;
  }

  const baseDir =
    process.env.INIT_CWD && process.env.INIT_CWD !== '' ? process.env.INIT_CWD : process.cwd();
  try {
    await runConsole({
      bot: opened.bot,
      key: { userId: options.userId, conversationId: options.conversationId },
      input: process.stdin,
      output: process.stdout,
      outputDir: join(options.dataDir, 'outputs'),
      baseDir,
      ...(script && options.script
        ? { script: { lines: script, dir: dirname(options.script) } }
        : {}),
    });
  } finally {
    await stop();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
