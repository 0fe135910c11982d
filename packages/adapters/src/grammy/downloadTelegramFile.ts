import type { Context } from 'grammy';

/**
 * Downloads a file the user sent, through the Bot API: `getFile`, then the file's URL
 * under `apiRoot`. Reads at most `maxBytes` (a larger file is refused with an error
 * before it is read whole).
 *
 * @param apiRoot - Root of the Bot API server. @default 'https://api.telegram.org'
 *
 * @example
 * ```ts
 * createChatflowMiddleware({ runtime, workflows, downloadFile: downloadTelegramFile });
 * ```
 */
export async function downloadTelegramFile(
  args: { ctx: Context; fileId: string; maxBytes: number },
  apiRoot = 'https://api.telegram.org',
): Promise<Uint8Array> {
  const { ctx, fileId, maxBytes } = args;
  const file = await ctx.api.getFile(fileId);
  if (file.file_path === undefined) throw new Error('Telegram did not give a download path.');
  if (file.file_size !== undefined && file.file_size > maxBytes) {
    throw new Error(`The file is larger than ${maxBytes} bytes.`);
  }
  const response = await fetch(`${apiRoot}/file/bot${ctx.api.token}/${file.file_path}`);
  if (!response.ok || response.body === null) {
    throw new Error(`The download failed (HTTP ${response.status}).`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    // Leaving the loop by throwing cancels the rest of the download.
    if (size > maxBytes) throw new Error(`The file is larger than ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
