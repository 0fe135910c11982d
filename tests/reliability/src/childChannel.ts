import { createInterface } from 'node:readline';

/** A message between a test and a child process: one JSON object per line. */
export type ChildMessage = { type: string } & Record<string, unknown>;

/**
 * Writes a message to stdout as one line. On Linux a write to a pipe is synchronous, so
 * once this returns the line is in the pipe and the parent reads it even if the process
 * is killed the next instant.
 *
 * @example
 * ```ts
 * emit({ type: 'ack', key, revision });
 * ```
 */
export function emit(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * Calls `handler` with each message the parent writes to stdin. The process exits when
 * stdin closes (the parent went away), so no child outlives its test.
 *
 * @example
 * ```ts
 * onParentMessage((message) => { if (message.type === 'go') run(message); });
 * ```
 */
export function onParentMessage(handler: (message: ChildMessage) => void): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    handler(JSON.parse(line) as ChildMessage);
  });
  lines.on('close', () => process.exit(0));
}
