import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../src/runConsole.ts';
import type { ChatBot, ChatKey, IncomingMessage, Reply, ReplyListener } from '../src/types.ts';

/**
 * A small bot that records what it receives: it answers text with an echo, a file with
 * its size, "work" with a reply and later (after settling) a second one, and "png" with
 * a picture.
 */
function recordingBot(maxUploadBytes = 1000) {
  const received: IncomingMessage[] = [];
  const listeners = new Set<ReplyListener>();
  let background: Promise<void> = Promise.resolve();
  const bot: ChatBot = {
    maxUploadBytes,
    async handleMessage(key: ChatKey, message: IncomingMessage): Promise<Reply[]> {
      received.push(message);
      if ('file' in message) {
        return [{ text: `got ${message.file.name} (${message.file.bytes.length} bytes)` }];
      }
      if (message.text === 'work') {
        background = new Promise((resolve) => {
          setImmediate(() => {
            for (const listener of listeners) listener(key, [{ text: 'work finished' }]);
            resolve();
          });
        });
        return [{ text: 'working…' }];
      }
      if (message.text === 'png') {
        return [{ text: 'a picture', image: { name: 'h.png', bytes: new Uint8Array([1, 2]) } }];
      }
      return [{ text: `echo ${message.text}`, choices: [{ label: 'a', value: 'a' }] }];
    },
    onReply(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    settled: () => background,
    greet: async () => [{ text: 'welcome' }],
  };
  return { bot, received };
}

async function replay(lines: string[], bot: ChatBot, dir: string): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await runConsole({
    bot,
    key: { userId: 'console', conversationId: 'main' },
    input: new PassThrough(),
    output,
    outputDir: join(dir, 'outputs'),
    baseDir: '/nonexistent',
    script: { lines, dir },
  });
  return Buffer.concat(chunks).toString('utf8');
}

describe('runConsole', () => {
  it('should print each scripted message with the replies and numbered choices', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'console-'));
    const { bot } = recordingBot();
    const transcript = await replay(['hello'], bot, dir);
    expect(transcript).toBe('> hello\necho hello\n1) a\n\n');
  });

  it('should print replies sent later after the reply to the message that caused them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'console-'));
    const { bot } = recordingBot();
    const transcript = await replay(['work', 'next'], bot, dir);
    expect(transcript).toBe('> work\nworking…\nwork finished\n\n> next\necho next\n1) a\n\n');
  });

  it('should upload a path relative to the script folder, alone or after /upload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'console-'));
    await writeFile(join(dir, 'sales.csv'), 'a,b\n1,2\n');
    const { bot, received } = recordingBot();
    const transcript = await replay(['sales.csv', '/upload "sales.csv"'], bot, dir);
    expect(transcript).toContain('got sales.csv (8 bytes)');
    expect(received).toHaveLength(2);
    expect(received.every((message) => 'file' in message)).toBe(true);
  });

  it('should refuse a missing file and a file over the limit without sending anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'console-'));
    await writeFile(join(dir, 'big.csv'), 'x'.repeat(2000));
    const { bot, received } = recordingBot(1000);
    const transcript = await replay(['nothere.csv', '/upload big.csv', '/upload'], bot, dir);
    expect(transcript).toContain('No file at nothere.csv. Nothing was changed.');
    expect(transcript).toContain('"big.csv" is 2.0 KB, over the upload limit of 1000 B.');
    expect(transcript).toContain('Which file?');
    expect(received).toEqual([]);
  });

  it('should save pictures under the output folder and say where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'console-'));
    const { bot } = recordingBot();
    const transcript = await replay(['png'], bot, dir);
    const path = join(dir, 'outputs', 'h.png');
    expect(transcript).toContain(`[picture saved to ${path}]`);
    expect([...(await readFile(path))]).toEqual([1, 2]);
  });

  it('should stop at /quit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'console-'));
    const { bot, received } = recordingBot();
    const transcript = await replay(['/quit', 'after'], bot, dir);
    expect(transcript).toContain('Bye.');
    expect(transcript).not.toContain('after');
    expect(received).toEqual([]);
  });

  it('should greet and read lines from the input when there is no script', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'console-'));
    const { bot } = recordingBot();
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = runConsole({
      bot,
      key: { userId: 'console', conversationId: 'main' },
      input,
      output,
      outputDir: dir,
      baseDir: dir,
    });
    input.end('hi\n\n/quit\n');
    await done;
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.startsWith('welcome\n> ')).toBe(true);
    expect(text).toContain('echo hi');
    expect(text).toContain('Bye.');
  });
});
