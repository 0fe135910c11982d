import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from '../src/keyedQueue.ts';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createKeyedQueue', () => {
  it('should run tasks of one key one at a time in arrival order', async () => {
    const queue = createKeyedQueue();
    const log: string[] = [];
    const gate = deferred();
    const first = queue.run('a', async () => {
      log.push('1 start');
      await gate.promise;
      log.push('1 end');
      return 1;
    });
    const second = queue.run('a', async () => {
      log.push('2');
      return 2;
    });
    await Promise.resolve();
    expect(log).toEqual(['1 start']);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(['1 start', '1 end', '2']);
  });

  it('should run different keys in parallel', async () => {
    const queue = createKeyedQueue();
    const gate = deferred();
    const log: string[] = [];
    const blocked = queue.run('a', async () => {
      await gate.promise;
      log.push('a');
    });
    await queue.run('b', async () => log.push('b'));
    expect(log).toEqual(['b']);
    gate.resolve();
    await blocked;
    expect(log).toEqual(['b', 'a']);
  });

  it('should go on after a failed task', async () => {
    const queue = createKeyedQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('should forget a key once its tasks settled', async () => {
    const queue = createKeyedQueue();
    const gate = deferred();
    const task = queue.run('a', () => gate.promise);
    expect(queue.isBusy('a')).toBe(true);
    expect(queue.size).toBe(1);
    gate.resolve();
    await task;
    await queue.drain();
    expect(queue.isBusy('a')).toBe(false);
    expect(queue.size).toBe(0);
  });

  it('should drain tasks queued while draining', async () => {
    const queue = createKeyedQueue();
    const log: number[] = [];
    void queue.run('a', async () => {
      log.push(1);
      void queue.run('b', async () => log.push(2));
    });
    await queue.drain();
    expect(log).toEqual([1, 2]);
    expect(queue.size).toBe(0);
  });
});
