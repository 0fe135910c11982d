import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from '../../src/grammy/keyedQueue.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('createKeyedQueue', () => {
  it('should run the tasks of one key one at a time in arrival order', async () => {
    const queue = createKeyedQueue();
    const log: string[] = [];
    const gate = deferred();
    const first = queue.run('chat', async () => {
      log.push('first:start');
      await gate.promise;
      log.push('first:end');
    });
    const second = queue.run('chat', async () => {
      log.push('second');
    });
    await Promise.resolve();
    expect(log).toEqual(['first:start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['first:start', 'first:end', 'second']);
  });

  it('should run different keys in parallel', async () => {
    const queue = createKeyedQueue();
    const gate = deferred();
    const log: string[] = [];
    const blocked = queue.run('a', async () => {
      await gate.promise;
      log.push('a');
    });
    await queue.run('b', async () => {
      log.push('b');
    });
    expect(log).toEqual(['b']);
    gate.resolve();
    await blocked;
    expect(log).toEqual(['b', 'a']);
  });

  it('should keep going after a failing task and report its error to its caller', async () => {
    const queue = createKeyedQueue();
    const failing = queue.run('chat', async () => {
      throw new Error('boom');
    });
    const next = queue.run('chat', async () => 'fine');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('fine');
  });

  it('should forget a key once its tasks have settled', async () => {
    const queue = createKeyedQueue();
    const gate = deferred();
    const running = queue.run('chat', () => gate.promise);
    expect(queue.size).toBe(1);
    gate.resolve();
    await running;
    await queue.drain();
    expect(queue.size).toBe(0);
  });
});
