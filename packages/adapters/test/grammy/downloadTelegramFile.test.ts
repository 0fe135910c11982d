import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, type Context } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadTelegramFile } from '../../src/grammy/index.ts';
import { botInfo, documentUpdate } from './telegramHarness.ts';

const token = '5000000001:AAH-download-test';

/** A loopback stand-in for Telegram's file host, serving `files` under the bot's path. */
async function startFileHost(files: Record<string, Uint8Array>) {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    requested.push(request.url ?? '');
    const prefix = `/file/bot${token}/`;
    const path = (request.url ?? '').startsWith(prefix)
      ? decodeURIComponent((request.url ?? '').slice(prefix.length))
      : '';
    const body = files[path];
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, requested, root: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Runs `download` inside a real update, with getFile answered by the transformer. */
async function withDocumentContext<T>(
  file: { path: string; size: number },
  download: (ctx: Context) => Promise<T>,
): Promise<T> {
  const bot = new Bot(token, { botInfo });
  bot.api.config.use(async (_previous, method, payload) => {
    if (method !== 'getFile') throw new Error(`unexpected ${method}`);
    const fileId = (payload as { file_id: string }).file_id;
    return {
      ok: true as const,
      result: {
        file_id: fileId,
        file_unique_id: 'AgADx1',
        file_size: file.size,
        file_path: file.path,
      } as never,
    };
  });
  let outcome: { value: T } | { error: unknown } | undefined;
  bot.on('message:document', async (ctx) => {
    try {
      outcome = { value: await download(ctx) };
    } catch (error) {
      outcome = { error };
    }
  });
  await bot.handleUpdate(documentUpdate('data.csv', 'BQACAgQAAxkBAAIC01', file.size));
  if (outcome === undefined) throw new Error('the document handler did not run');
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('downloadTelegramFile', () => {
  it("should fetch the file's bytes from the path getFile gives", async () => {
    const bytes = new TextEncoder().encode('price,area\n100,20\n');
    const host = await startFileHost({ 'documents/file_12.csv': bytes });
    servers.push(host.server);
    const downloaded = await withDocumentContext(
      { path: 'documents/file_12.csv', size: bytes.byteLength },
      (ctx) =>
        downloadTelegramFile({ ctx, fileId: 'BQACAgQAAxkBAAIC01', maxBytes: 1024 }, host.root),
    );
    expect(downloaded).toEqual(bytes);
    expect(host.requested).toEqual([`/file/bot${token}/documents/file_12.csv`]);
  });

  it('should refuse a file that getFile says is too large without fetching it', async () => {
    const host = await startFileHost({});
    servers.push(host.server);
    await expect(
      withDocumentContext({ path: 'documents/big.csv', size: 5000 }, (ctx) =>
        downloadTelegramFile({ ctx, fileId: 'x', maxBytes: 1000 }, host.root),
      ),
    ).rejects.toThrow('larger than 1000 bytes');
    expect(host.requested).toEqual([]);
  });

  it('should stop reading a file that turns out larger than maxBytes', async () => {
    const host = await startFileHost({ 'documents/liar.csv': new Uint8Array(64 * 1024) });
    servers.push(host.server);
    await expect(
      withDocumentContext({ path: 'documents/liar.csv', size: 10 }, (ctx) =>
        downloadTelegramFile({ ctx, fileId: 'x', maxBytes: 1000 }, host.root),
      ),
    ).rejects.toThrow('larger than 1000 bytes');
  });

  it('should report a failed download with its HTTP status and never the token', async () => {
    const host = await startFileHost({});
    servers.push(host.server);
    const failure = withDocumentContext({ path: 'documents/gone.csv', size: 10 }, (ctx) =>
      downloadTelegramFile({ ctx, fileId: 'x', maxBytes: 1000 }, host.root),
    );
    await expect(failure).rejects.toThrow('The download failed (HTTP 404).');
    await expect(failure).rejects.not.toThrow(token);
  });
});
