import { afterEach, describe, expect, it } from 'vitest';
import { defaultKey, openTestBot, type TestBot } from './support/testBot.ts';

let opened: TestBot | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

/** A CSV whose random forest takes seconds to train: many rows of distinct values. */
function slowCsv(): Uint8Array {
  const rows = ['x1,x2,x3,x4,y'];
  let seed = 3;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < 1500; i += 1) {
    const [a, b, c, d] = [random() * 10, random() * 5, random(), random() * 100];
    rows.push(`${a},${b},${c},${d},${3 * a + 2 * b + 10 * c + d / 10 + random()}`);
  }
  return new TextEncoder().encode(`${rows.join('\n')}\n`);
}

describe('createAnalyticsActors', () => {
  it('should keep answering other chats while a model trains in its worker', {
    timeout: 120_000,
  }, async () => {
    opened = await openTestBot({}, { inWorker: true });
    const test = opened;
    const other = { userId: 99, conversationId: 'elsewhere' };
    await test.upload('slow.csv', slowCsv());
    for (const text of ['/train', 'y', 'all']) await test.say(text);
    expect(await test.say('random forest')).toBe(
      'Training random forest (regression) on 1500 rows…',
    );

    const [reply] = await test.upload('houses.csv', undefined, other);
    expect(reply?.text).toContain('Loaded houses.csv');
    expect(await test.say('/explore', other)).toContain('Exploring houses.csv');
    // The other chat was served while the training was still running.
    expect((await test.runtime.getSession(defaultKey))?.workflow?.state).toBe('training');

    await test.bot.settled(defaultKey);
    expect((await test.runtime.getSession(defaultKey))?.workflow?.state).toBe('complete');
    expect(test.later.map((later) => later.text).join('\n')).toMatch(/R² = 0\.\d+/);
  });

  it('should fail a prediction whose model is no longer stored, keeping the message', async () => {
    opened = await openTestBot();
    const test = opened;
    await test.upload('houses.csv');
    for (const text of ['/train', 'price', 'area_m2', 'linear']) await test.say(text);
    await test.bot.settled(defaultKey);
    await test.artifacts.forgetUser(defaultKey.userId);
    await test.say('/predict');
    await test.say('1');
    const replies = await test.ask('use it');
    const text = replies.map((reply) => reply.text).join('\n');
    expect(text).toMatch(/Model linear_regression-\S+ is no longer available/);
    expect((await test.runtime.getSession(defaultKey))?.workflow?.state).toBe('awaiting_data');
  });

  it('should fail an analysis whose data was replaced, saying so', async () => {
    opened = await openTestBot();
    const test = opened;
    await test.upload('houses.csv');
    await test.say('/stats');
    await test.say('descriptive');
    const replaced = await test.runtime.storeData(
      defaultKey,
      (await test.runtime.getData(defaultKey))!,
      { name: 'other.csv' },
    );
    expect(replaced.name).toBe('other.csv');
    const text = (await test.ask('price')).map((reply) => reply.text).join('\n');
    expect(text).toContain('The data "houses.csv" is no longer loaded');
  });
});
