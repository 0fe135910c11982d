import { describe, expect, it } from 'vitest';
import { chatKeyString, createChatLine } from '../src/createChatLine.ts';

describe('createChatLine', () => {
  it('should run the work of one chat in arrival order, one piece at a time', async () => {
    const line = createChatLine();
    const key = { userId: 1, conversationId: 'a' };
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = line.run(key, async () => {
      order.push('first starts');
      await gate;
      order.push('first ends');
    });
    const second = line.run(key, async () => {
      order.push('second');
      return 2;
    });
    await Promise.resolve();
    expect(order).toEqual(['first starts']);
    release();
    expect(await second).toBe(2);
    await first;
    expect(order).toEqual(['first starts', 'first ends', 'second']);
  });

  it('should run other chats meanwhile and keep going after a failure', async () => {
    const line = createChatLine();
    const a = { userId: 1, conversationId: 'a' };
    const b = { userId: 2, conversationId: 'a' };
    let release!: () => void;
    const blocked = line.run(a, () => new Promise<void>((resolve) => (release = resolve)));
    expect(await line.run(b, async () => 'b ran')).toBe('b ran');
    release();
    await blocked;
    await expect(line.run(a, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(await line.run(a, async () => 'after')).toBe('after');
    await line.idle(a);
  });

  it('should tell keys apart whatever their ids contain', () => {
    expect(chatKeyString({ userId: 1, conversationId: '2:3' })).not.toBe(
      chatKeyString({ userId: '1:2', conversationId: '3' }),
    );
    expect(chatKeyString({ userId: 42, conversationId: 'x' })).toBe(
      chatKeyString({ userId: '42', conversationId: 'x' }),
    );
  });
});
