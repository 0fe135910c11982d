import { StoreUnavailableError } from '@chatflow/runtime';
import { createClient } from '@keyv/redis';

/** The `@redis/client` client a Redis store talks through (the one `@keyv/redis` uses). */
export type RedisClient = ReturnType<typeof createClient>;

/** Options of {@link RedisConnection}. */
export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL, credentials included. */
  url: string;
  /** `host:port[/db]` for messages, without credentials. */
  address: string;
  /** How long a call waits for the connection to be ready. */
  connectTimeoutMs: number;
  /** How long a call waits for a reply. */
  commandTimeoutMs: number;
  /** Name the connection carries in `CLIENT LIST` (no spaces). */
  name?: string;
}

/** Delay before reconnection attempt `retries`: 50 ms doubling up to 1 s, with jitter. */
function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** retries, 1000) + Math.floor(Math.random() * 50);
}

/**
 * One Redis connection shared by a store's Keyv and its session store. It connects in
 * the background and reconnects for ever, so a store serves again once Redis is back;
 * meanwhile nothing queues up: a call waits at most `connectTimeoutMs` for the
 * connection and `commandTimeoutMs` for a reply, then fails with `StoreUnavailableError`.
 * Client errors are recorded (as the cause of the next failure), never left unhandled.
 *
 * @example
 * ```ts
 * const connection = new RedisConnection({ url, address: 'localhost:6379', connectTimeoutMs: 2000, commandTimeoutMs: 2000 });
 * connection.connect();
 * const pong = await connection.run('ping', (client) => client.ping());
 * ```
 */
export class RedisConnection {
  readonly client: RedisClient;
  readonly address: string;
  readonly #connectTimeoutMs: number;
  readonly #commandTimeoutMs: number;
  #lastError: unknown;
  #readySignal: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: RedisConnectionOptions) {
    this.address = options.address;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#commandTimeoutMs = options.commandTimeoutMs;
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      ...(options.name === undefined ? {} : { name: options.name }),
      socket: { connectTimeout: options.connectTimeoutMs, reconnectStrategy: reconnectDelay },
    });
    this.client.on('error', (error: unknown) => {
      this.#lastError = error;
    });
  }

  /** Starts connecting in the background (retrying until it succeeds or is closed). */
  connect(): void {
    if (this.client.isOpen) return;
    this.client.connect().catch((error: unknown) => {
      this.#lastError = error;
    });
  }

  /** Resolves when the connection is ready; fails after `connectTimeoutMs` otherwise. */
  async whenReady(): Promise<void> {
    if (this.#closed) throw this.unavailable('the store is closed');
    if (this.client.isReady) return;
    if (!this.client.isOpen) throw this.unavailable('the connection is closed');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const reason = this.#lastError instanceof Error ? ` (${this.#lastError.message})` : '';
        reject(
          this.unavailable(
            `not connected within ${this.#connectTimeoutMs} ms${reason}`,
            this.#lastError,
          ),
        );
      }, this.#connectTimeoutMs);
    });
    try {
      await Promise.race([this.#nextReady(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One promise, and one listener, for every call waiting on the next `ready`. */
  #nextReady(): Promise<void> {
    this.#readySignal ??= new Promise<void>((resolve) => {
      this.client.once('ready', () => {
        this.#readySignal = undefined;
        resolve();
      });
    });
    return this.#readySignal;
  }

  /**
   * Runs `command` once the connection is ready and waits at most `commandTimeoutMs`
   * for it. Any failure becomes a `StoreUnavailableError` saying what could not be done.
   * A command that timed out may still run if the server was only slow.
   */
  run<T>(what: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    const running = this.#bounded(what, command);
    this.#inFlight.add(running);
    const settled = () => this.#inFlight.delete(running);
    running.then(settled, settled);
    return running;
  }

  async #bounded<T>(what: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    await this.whenReady();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            this.unavailable(`could not ${what}: no reply within ${this.#commandTimeoutMs} ms`),
          ),
        this.#commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([command(this.client), timeout]);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw this.unavailable(`could not ${what}: ${reason}`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Closes the connection: refuses new calls, lets the calls under way finish (each is
   * bounded by the timeouts), then drops the socket and stops reconnecting.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    if (this.client.isOpen) this.client.destroy();
  }

  /** A `StoreUnavailableError` of this connection. */
  unavailable(message: string, cause?: unknown): StoreUnavailableError {
    return new StoreUnavailableError(
      'redis',
      this.address,
      message,
      cause === undefined ? undefined : { cause },
    );
  }
}
