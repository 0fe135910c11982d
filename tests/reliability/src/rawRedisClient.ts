import { Socket } from 'node:net';

/** A RESP reply: bulk strings stay bytes, so binary values are seen as they are stored. */
export type RespValue = string | number | Buffer | null | RespValue[] | Error;

/** A bare Redis connection that sends commands and reads replies as the server gives them. */
export interface RawRedisClient {
  /** Sends one command; resolves to its reply (an error reply resolves to an `Error`). */
  command(...args: (string | Buffer)[]): Promise<RespValue>;
  /** Every key matching `pattern`, walked with `SCAN`. */
  scan(pattern?: string): Promise<string[]>;
  close(): void;
}

/** Parses one reply at `offset`; `undefined` when the buffer does not hold it all yet. */
function parseReply(buffer: Buffer, offset: number): { value: RespValue; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd === -1) return undefined;
  const kind = String.fromCharCode(buffer[offset] ?? 0);
  const line = buffer.toString('latin1', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (kind) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new Error(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: Buffer.from(buffer.subarray(next, next + length)), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, at);
        if (item === undefined) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(kind)}`);
  }
}

function encodeCommand(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * Connects to Redis on 127.0.0.1:`port` with nothing in between: for looking at the raw
 * keys and bytes a store left, and for writing records the store would never write.
 *
 * @example
 * ```ts
 * const raw = await connectRawRedis(redis.port);
 * const keys = await raw.scan('*');
 * raw.close();
 * ```
 */
export function connectRawRedis(port: number): Promise<RawRedisClient> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let pending = Buffer.alloc(0);
    const waiting: { resolve(value: RespValue): void; reject(error: Error): void }[] = [];
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const reply = parseReply(pending, 0);
        if (reply === undefined) break;
        pending = pending.subarray(reply.end);
        waiting.shift()?.resolve(reply.value);
      }
    });
    const failAll = (error: Error) => {
      for (const entry of waiting.splice(0)) entry.reject(error);
    };
    socket.on('error', failAll);
    socket.on('close', () => failAll(new Error('connection closed')));
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      const client: RawRedisClient = {
        command: (...args) =>
          new Promise<RespValue>((resolveReply, rejectReply) => {
            waiting.push({ resolve: resolveReply, reject: rejectReply });
            socket.write(encodeCommand(args));
          }),
        async scan(pattern = '*') {
          const keys: string[] = [];
          let cursor = '0';
          do {
            const reply = await client.command('SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000');
            if (!Array.isArray(reply)) throw new Error(`SCAN answered ${String(reply)}`);
            const [next, page] = reply as [Buffer, Buffer[]];
            cursor = next.toString('latin1');
            for (const key of page) keys.push(key.toString('utf8'));
          } while (cursor !== '0');
          return keys;
        },
        close: () => socket.destroy(),
      };
      resolve(client);
    });
  });
}
