import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { formatConsoleReply } from './formatConsoleReply.ts';
import { parseIntent } from './parseIntent.ts';
import type { ChatBot, ChatKey, FilePayload, IncomingMessage, Reply } from './types.ts';
import { uploadTooLarge } from './uploadTooLarge.ts';

/** Options of {@link runConsole}. */
export interface ConsoleOptions {
  bot: ChatBot;
  /** The session the console talks in. */
  key: ChatKey;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Where pictures and files the bot sends are saved. */
  outputDir: string;
  /** The folder relative upload paths are read from (where the user ran the command). */
  baseDir: string;
  /**
   * A conversation to replay instead of reading `input`: its messages, and the folder of
   * the script file (relative upload paths are tried there first).
   */
  script?: { lines: readonly string[]; dir: string };
}

/** File names that a line of plain text is taken to mean as an upload. */
const dataFileExtension = /\.(csv|tsv|tab|txt|xlsx|xls|json|parquet|arrow)$/i;

function unquote(text: string): string {
  const trimmed = text.trim();
  const quoted = /^(["'])(.*)\1$/.exec(trimmed);
  return quoted ? (quoted[2] ?? '') : trimmed;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Saves a picture or file the bot sent and returns where it went. */
async function saveAttachment(dir: string, payload: FilePayload): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, basename(payload.name));
  await writeFile(path, payload.bytes);
  return path;
}

/**
 * Runs the bot as a chat in the terminal: each line the user types is a message; a
 * path to a file (alone, or after `/upload`) uploads it; the bot's numbered choices are
 * picked by number or name; pictures and files the bot sends are saved under
 * `outputDir`. With `script`, the messages come from the script instead: each is
 * printed as `> message` followed by the bot's replies, and the console waits for the
 * session's background work (training) before the next one. Ends on `/quit`, at the end
 * of the input or of the script.
 *
 * @example
 * ```ts
 * await runConsole({ bot, key: { userId: 'console', conversationId: 'main' },
 *   input: process.stdin, output: process.stdout, outputDir: '.data/outputs', baseDir: process.cwd() });
 * ```
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { bot, key, output } = options;
  const write = (text: string): void => {
    output.write(`${text}\n`);
  };
  let busy = false;
  const pending: Reply[] = [];

  const printReplies = async (replies: readonly Reply[]): Promise<void> => {
    for (const reply of replies) {
      const saved: { image?: string; file?: string } = {};
      if (reply.image) saved.image = await saveAttachment(options.outputDir, reply.image);
      if (reply.file) saved.file = await saveAttachment(options.outputDir, reply.file);
      write(formatConsoleReply(reply, saved));
    }
  };

  let printing: Promise<void> = Promise.resolve();
  const unsubscribe = bot.onReply((replyKey, replies) => {
    if (String(replyKey.userId) !== String(key.userId)) return;
    if (replyKey.conversationId !== key.conversationId) return;
    if (busy) {
      pending.push(...replies);
      return;
    }
    printing = printing.then(() => printReplies(replies));
  });

  const uploadFrom = async (rawPath: string): Promise<IncomingMessage | string> => {
    const path = unquote(rawPath);
    if (path === '')
      return 'Which file? Type /upload followed by its path, e.g. /upload data/houses.csv';
    const candidates = isAbsolute(path)
      ? [path]
      : [
          ...(options.script ? [resolve(options.script.dir, path)] : []),
          resolve(options.baseDir, path),
        ];
    for (const candidate of candidates) {
      if (!(await isFile(candidate))) continue;
      const size = (await stat(candidate)).size;
      const name = basename(candidate);
      if (size > bot.maxUploadBytes) return uploadTooLarge(name, size, bot.maxUploadBytes);
      return { file: { name, bytes: new Uint8Array(await readFile(candidate)) } };
    }
    return `No file at ${path}. Nothing was changed.`;
  };

  const toMessage = async (line: string): Promise<IncomingMessage | string> => {
    const intent = parseIntent(line);
    if (intent.kind === 'command' && intent.command === 'upload') {
      return uploadFrom(intent.argument);
    }
    if (!line.startsWith('/')) {
      const path = unquote(line);
      const looksLikeFile =
        dataFileExtension.test(path) && !/\s/.test(path.replace(/\\ /g, '')) && path.length < 4096;
      const base = options.script?.dir ?? options.baseDir;
      if (looksLikeFile || (await isFile(resolve(base, path)))) return uploadFrom(path);
    }
    return { text: line };
  };

  /** Handles one line; resolves to false when the console should stop. */
  const handleLine = async (line: string): Promise<boolean> => {
    const intent = parseIntent(line);
    if (intent.kind === 'command' && intent.command === 'quit') {
      write('Bye. Your conversation is saved; start again to carry on where you left off.');
      return false;
    }
    busy = true;
    try {
      const message = await toMessage(line);
      if (typeof message === 'string') write(message);
      else await printReplies(await bot.handleMessage(key, message));
    } finally {
      busy = false;
    }
    const queued = pending.splice(0);
    if (queued.length > 0) printing = printing.then(() => printReplies(queued));
    await printing;
    return true;
  };

  try {
    if (options.script) {
      for (const line of options.script.lines) {
        write(`> ${line}`);
        const carryOn = await handleLine(line);
        await bot.settled(key);
        await printing;
        write('');
        if (!carryOn) return;
      }
      return;
    }
    await printReplies(await bot.greet(key));
    // In a terminal, readline edits the line (arrows, history); from a pipe it only splits.
    const tty = (options.input as { isTTY?: boolean }).isTTY === true;
    const lines = createInterface({
      input: options.input,
      ...(tty ? { output, terminal: true } : { terminal: false }),
    });
    output.write('> ');
    for await (const raw of lines) {
      const line = raw.trim();
      if (line !== '') {
        const carryOn = await handleLine(line);
        if (!carryOn) {
          lines.close();
          return;
        }
      }
      output.write('> ');
    }
    write('');
    await bot.settled(key);
    await printing;
  } finally {
    unsubscribe();
  }
}
