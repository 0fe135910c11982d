import { afterEach, describe, expect, it } from 'vitest';
import { menuChoices } from '../src/describeStep.ts';
import type { Reply } from '../src/types.ts';
import { defaultKey, openTestBot, type TestBot } from './support/testBot.ts';

let opened: TestBot | undefined;
async function open(config = {}): Promise<TestBot> {
  opened = await openTestBot(config);
  return opened;
}
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

const texts = (replies: readonly Reply[]): string => replies.map((reply) => reply.text).join('\n');

async function workflowOf(test: TestBot) {
  return (await test.runtime.getSession(defaultKey))?.workflow ?? null;
}

describe('createStatsBot', () => {
  it('should greet a new chat with the menu of the four workflows', async () => {
    const { bot } = await open();
    const [greeting] = await bot.greet(defaultKey);
    expect(greeting?.text).toContain('Hello!');
    expect(greeting?.choices).toEqual(menuChoices);
  });

  it('should load an upload into the session and offer the workflows', async () => {
    const test = await open();
    const [reply] = await test.upload('houses.csv');
    expect(reply?.text).toContain('Loaded houses.csv: 300 rows, 7 columns.');
    expect(reply?.text).toContain('garden (yes/no)');
    expect(reply?.choices).toEqual(menuChoices);
    const session = await test.runtime.getSession(defaultKey);
    expect(session?.dataset?.rowCount).toBe(300);
    expect((await test.runtime.getData(defaultKey))?.numRows).toBe(300);
  });

  it('should resolve "what about correlation?" to a correlation on the loaded data', async () => {
    const test = await open();
    await test.upload('houses.csv');
    const text = await test.say('what about correlation?');
    expect(text).toContain('Using houses.csv');
    expect(text).toContain('Correlation: choose 2 or more numeric columns.');
    const session = await test.runtime.getSession(defaultKey);
    expect(session?.workflow?.type).toBe('stats_analysis');
    expect(session?.workflow?.state).toBe('selecting_columns');
    const context = session?.workflow?.context as { analysis: string; dataset: { id: string } };
    expect(context.analysis).toBe('correlation');
    expect(context.dataset.id).toBe(session?.dataset?.id);
  });

  it('should reuse the columns of the last analysis for a follow-up analysis', async () => {
    const test = await open();
    await test.upload('houses.csv');
    await test.say('/stats');
    await test.say('descriptive');
    const described = texts(await test.ask('area_m2, price'));
    expect(described).toContain('Descriptive statistics (300 rows)');
    const correlated = texts(await test.ask('what about correlation?'));
    expect(correlated).toMatch(/area_m2 ~ price: r = 0\.9\d+/);
    const rooms = await test.say('and rooms?');
    expect(rooms).toContain('Correlation: choose 2 or more numeric columns.');
  });

  it('should explore a column named in words and answer a follow-up on another column', async () => {
    const test = await open();
    await test.upload('houses.csv');
    const replies = await test.ask('show me a histogram of price');
    const picture = replies.find((reply) => reply.image);
    expect(picture?.image?.name).toBe('histogram-price.png');
    expect([...(picture?.image?.bytes.slice(1, 4) ?? [])]).toEqual([0x50, 0x4e, 0x47]);
    const follow = await test.ask('what about area_m2?');
    expect(follow.find((reply) => reply.image)?.image?.name).toBe('histogram-area_m2.png');
    expect((await workflowOf(test))?.state).toBe('exploring');
  });

  it('should ask for the column of a command that needs one and take it by number', async () => {
    const test = await open();
    await test.upload('houses.csv');
    await test.say('/explore');
    const asked = await test.bot.handleMessage(defaultKey, { text: 'value_counts' });
    expect(asked.at(-1)?.text).toBe('Counts of each value of a column: which column?');
    expect(asked.at(-1)?.choices?.[4]).toEqual({ label: 'city', value: 'value_counts city' });
    expect(texts(await test.ask('5'))).toContain('Values of "city" (4 distinct among 300 present)');
  });

  it('should say there is no data yet when a request refers to it', async () => {
    const test = await open();
    const text = await test.say('analyze it');
    expect(text).toContain('There is no data loaded yet; send a file first.');
    expect((await workflowOf(test))?.state).toBe('awaiting_data');
  });

  it('should read numbers and names against the choices last offered', async () => {
    const test = await open();
    await test.upload('houses.csv');
    await test.say('/train');
    expect(await test.say('7')).toContain('Target: price.');
    expect(await test.say('1, rooms')).toContain('Predicting price from area_m2, rooms.');
    const context = (await workflowOf(test))?.context as { features: string[] };
    expect(context.features).toEqual(['area_m2', 'rooms']);
  });

  it("should explain a refused step with the step's choices", async () => {
    const test = await open();
    await test.upload('houses.csv');
    await test.say('/train');
    const replies = await test.bot.handleMessage(defaultKey, { text: 'bedrooms' });
    expect(replies[0]?.text).toContain('"bedrooms" is not a column of houses.csv');
    expect(replies[0]?.choices?.map((choice) => choice.value)).toContain('price');
    expect((await workflowOf(test))?.state).toBe('selecting_target');
  });

  it('should refuse a model type that does not suit the target and name the ones that do', async () => {
    const test = await open();
    await test.upload('customers.csv');
    await test.say('/train');
    await test.say('churned');
    await test.say('all');
    const text = await test.say('linear regression');
    expect(text).toContain('linear_regression is a regression model');
    expect((await workflowOf(test))?.state).toBe('confirming_model');
  });

  it('should go back a step and cancel the workflow', async () => {
    const test = await open();
    await test.upload('houses.csv');
    await test.say('/train');
    await test.say('price');
    expect(await test.say('/back')).toContain('Which column should the model predict?');
    expect((await workflowOf(test))?.state).toBe('selecting_target');
    expect(await test.say('cancel')).toContain('Cancelled "Train a model".');
    expect(await workflowOf(test)).toBeNull();
    expect(await test.say('/cancel')).toContain('Nothing to cancel.');
  });

  it('should announce a finished training and settle after it', async () => {
    const test = await open();
    await test.upload('houses.csv');
    await test.say('/train');
    await test.say('price');
    await test.say('area_m2, rooms, city');
    expect(await test.say('linear')).toBe('Training linear regression on 300 rows…');
    await test.bot.settled(defaultKey);
    const done = test.later.map((reply) => reply.text).join('\n');
    expect(done).toMatch(/R² = 0\.\d+/);
    const session = await test.runtime.getSession(defaultKey);
    expect(session?.models).toHaveLength(1);
    const stored = (await test.artifacts.loadModel(
      defaultKey.userId,
      session?.models[0]?.modelId ?? '',
    )) as {
      model: { format: string };
    };
    expect(stored.model.format).toBe('stats-bot/model');
  });

  it('should predict with a trained model and hand over the predictions as CSV', async () => {
    const test = await open();
    await test.upload('houses.csv');
    for (const text of ['/train', 'price', 'area_m2, rooms', 'linear']) await test.say(text);
    await test.bot.settled(defaultKey);
    await test.say('/predict');
    await test.say('1');
    const replies = await test.bot.handleMessage(defaultKey, { text: 'use it' });
    await test.bot.settled(defaultKey);
    expect(replies[0]?.text).toContain('Predicting price for 300 rows…');
    const file = test.later.find((reply) => reply.file)?.file;
    expect(file?.name).toMatch(/^predictions-linear_regression-.*\.csv$/);
    const lines = new TextDecoder().decode(file?.bytes).trim().split('\n');
    expect(lines).toHaveLength(301);
    expect(lines[0]).toBe('area_m2,rooms,age_years,garden,city,listed_on,price,predicted_price');
  });

  it('should say so when there is no model to predict with', async () => {
    const test = await open();
    const [reply] = await test.bot.handleMessage(defaultKey, { text: '/predict' });
    expect(reply?.text).toContain('You have no trained model yet');
    expect(reply?.choices).toEqual(menuChoices);
  });

  it('should leave the session unchanged when an upload cannot be read', async () => {
    const test = await open();
    await test.upload('houses.csv');
    await test.say('/train');
    const before = await test.runtime.getSession(defaultKey);
    const bad: [string, string, RegExp][] = [
      ['empty.csv', '', /is empty/],
      ['one.csv', 'price\n1\n2\n', /single column/],
      ['header.csv', 'a,b\n', /no rows|no data/i],
      ['notes.docx', 'hello', /not a file type I can read/],
      ['binary.csv', '\u0000\u0001\u0002', /not text|binary/i],
    ];
    for (const [name, content, message] of bad) {
      const [reply] = await test.upload(name, new TextEncoder().encode(content));
      expect(reply?.text).toMatch(message);
      expect(reply?.text).toContain('Nothing was changed.');
    }
    const after = await test.runtime.getSession(defaultKey);
    expect(after?.dataset).toEqual(before?.dataset);
    expect(after?.workflow?.state).toBe(before?.workflow?.state);
    expect(after?.workflow?.context).toEqual(before?.workflow?.context);
  });

  it("should refuse data over the runtime's size limit and keep the session", async () => {
    const test = await open({ maxDataSizeMb: 0.001 });
    const [reply] = await test.upload('houses.csv');
    expect(reply?.text).toMatch(/over the limit of 0\.0 MB/);
    expect(reply?.text).toContain('Nothing was changed.');
    expect((await test.runtime.getSession(defaultKey))?.dataset).toBeNull();
  });

  it('should refuse a file over the upload limit before reading it', async () => {
    const test = await open();
    const big = new Uint8Array(21 * 2 ** 20);
    const [reply] = await test.upload('big.csv', big);
    expect(reply?.text).toContain('"big.csv" is 21.0 MB, over the upload limit of 20.0 MB.');
  });

  it('should keep chats apart and forget everything of a user', async () => {
    const test = await open();
    const other = { userId: 8, conversationId: 'chat-1' };
    await test.upload('houses.csv');
    await test.upload('customers.csv', undefined, other);
    for (const text of ['/train', 'price', 'area_m2', 'linear']) await test.say(text);
    await test.bot.settled(defaultKey);
    const modelId = (await test.runtime.getSession(defaultKey))?.models[0]?.modelId ?? '';
    expect(await test.artifacts.loadModel(7, modelId)).toBeDefined();

    const text = await test.say('/forget');
    expect(text).toContain(
      'I deleted everything I kept about you (1 session, 1 data set, 1 model, 0 produced files).',
    );
    expect(await test.artifacts.loadModel(7, modelId)).toBeUndefined();
    expect(await test.runtime.getSession(defaultKey)).toBeUndefined();
    expect((await test.runtime.getSession(other))?.dataset?.name).toBe('customers.csv');
  });

  it('should show the conversation with /history and where it stands with /status', async () => {
    const test = await open();
    await test.upload('houses.csv');
    await test.say('/train');
    const status = await test.say('/status');
    expect(status).toContain('Workflow: Train a model, step selecting_target.');
    expect(status).toContain('Data: houses.csv: 300 rows, 7 columns.');
    const history = await test.say('/history');
    expect(history).toContain('you: [file houses.csv]');
    expect(history).toContain('you: /train');
    expect(history).toContain('bot: Loaded houses.csv: 300 rows, 7 columns.');
  });

  it('should answer text it cannot place with the menu', async () => {
    const test = await open();
    const [reply] = await test.bot.handleMessage(defaultKey, { text: 'hmm' });
    expect(reply?.text).toContain('I did not understand "hmm"');
    expect(reply?.choices).toEqual(menuChoices);
  });
});
