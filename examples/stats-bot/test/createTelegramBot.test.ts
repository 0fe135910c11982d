import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputFile } from 'grammy';
import type { InlineKeyboardMarkup, Update, UserFromGetMe } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTelegramBot, telegramCommands } from '../src/createTelegramBot.ts';
import { parseIntent } from '../src/parseIntent.ts';
import { dataFolder } from './support/runBot.ts';
import { openTestBot, type TestBot } from './support/testBot.ts';

const token = '123456:TEST-token';
const botInfo: UserFromGetMe = {
  id: 123456,
  is_bot: true,
  first_name: 'Stats',
  username: 'stats_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
const user = { id: 4242, is_bot: false, first_name: 'Ada', language_code: 'en' };
const chat = { id: 4242, type: 'private' as const, first_name: 'Ada' };
const key = { userId: 4242, conversationId: '4242' };

interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

let updateId = 0;
let messageId = 100;
const date = 1_700_000_000;

function textUpdate(text: string): Update {
  updateId += 1;
  messageId += 1;
  const command = /^\/\w+/.exec(text);
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      date,
      chat,
      from: user,
      text,
      ...(command
        ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }
        : {}),
    },
  };
}

function documentUpdate(name: string, size: number): Update {
  updateId += 1;
  messageId += 1;
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      date,
      chat,
      from: user,
      document: {
        file_name: name,
        mime_type: 'text/csv',
        file_id: `BQACAgQAAxkBAAI${updateId}`,
        file_unique_id: `AgAD${updateId}`,
        file_size: size,
      },
    },
  };
}

function callbackUpdate(data: string): Update {
  updateId += 1;
  return {
    update_id: updateId,
    callback_query: {
      id: `cbq-${updateId}`,
      from: user,
      chat_instance: '-5012345678',
      data,
      message: {
        message_id: messageId,
        date,
        chat,
        from: { ...botInfo },
        text: 'Which columns should the model learn from?',
      },
    },
  };
}

let core: TestBot;
let calls: ApiCall[];
let downloads: string[];
let telegram: ReturnType<typeof createTelegramBot>;

/** What the Bot API would answer, shaped as Telegram shapes it. */
function resultOf(method: string, payload: Record<string, unknown>): unknown {
  messageId += 1;
  const message = { message_id: messageId, date, chat, from: { ...botInfo } };
  switch (method) {
    case 'sendMessage':
      return { ...message, text: payload.text };
    case 'sendPhoto':
      return {
        ...message,
        photo: [{ file_id: 'AgACAgQ', file_unique_id: 'AQAD', width: 640, height: 400 }],
      };
    case 'sendDocument':
      return {
        ...message,
        document: { file_id: 'BQACAgQ', file_unique_id: 'AgAD', file_name: 'predictions.csv' },
      };
    case 'getFile':
      return {
        file_id: payload.file_id,
        file_unique_id: 'AgADfile',
        file_size: 14_000,
        file_path: `documents/${String(payload.file_id)}.csv`,
      };
    case 'editMessageReplyMarkup':
      return { ...message, text: 'edited' };
    default:
      return true;
  }
}

beforeEach(async () => {
  core = await openTestBot();
  calls = [];
  downloads = [];
  telegram = createTelegramBot({
    token,
    bot: core.bot,
    runtime: core.runtime,
    botInfo,
    onError: () => undefined,
  });
  telegram.api.config.use(async (_previous, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    return { ok: true, result: resultOf(method, payload as Record<string, unknown>) } as never;
  });
  const houses = await readFile(join(dataFolder, 'houses.csv'));
  vi.stubGlobal('fetch', async (url: string | URL) => {
    downloads.push(String(url));
    return new Response(new Uint8Array(houses));
  });
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await core.close();
});

const sent = (method: string) => calls.filter((call) => call.method === method);
const markupOf = (call: ApiCall | undefined) =>
  call?.payload.reply_markup as InlineKeyboardMarkup | undefined;
const lastMarkup = (): InlineKeyboardMarkup | undefined => markupOf(sent('sendMessage').at(-1));
const buttons = (markup: InlineKeyboardMarkup | undefined) =>
  (markup?.inline_keyboard ?? []).flat().map((button) => ({
    text: button.text,
    data: 'callback_data' in button ? (button.callback_data ?? '') : '',
  }));
/** The callback data of the button with this label. */
function pressable(markup: InlineKeyboardMarkup | undefined, label: string): string {
  const found = buttons(markup).find((button) => button.text === label);
  if (!found) throw new Error(`No button "${label}" in ${JSON.stringify(buttons(markup))}`);
  return found.data;
}
const press = (markup: InlineKeyboardMarkup | undefined, label: string) =>
  telegram.handleUpdate(callbackUpdate(pressable(markup, label)));
const lastText = () => String(sent('sendMessage').at(-1)?.payload.text);

describe('createTelegramBot', () => {
  it('should answer /start with the workflows as inline buttons that carry their command', async () => {
    await telegram.handleUpdate(textUpdate('/start'));
    const [reply] = sent('sendMessage');
    expect(reply?.payload.chat_id).toBe(4242);
    expect(reply?.payload.parse_mode).toBe('HTML');
    expect(String(reply?.payload.text)).toContain('What would you like to do?');
    const menu = buttons(lastMarkup());
    expect(menu.map((button) => button.text)).toEqual([
      'Train a model',
      'Predict with a model',
      'Run a statistical analysis',
      'Explore a data set',
    ]);
    expect(menu.map((button) => button.data.replace(/^cf:v:[\w-]{8}:/, ''))).toEqual([
      '/train',
      '/predict',
      '/stats',
      '/explore',
    ]);
  });

  it('should download a document through getFile and the file URL and load it', async () => {
    await telegram.handleUpdate(documentUpdate('houses.csv', 14_000));
    expect(sent('getFile')[0]?.payload.file_id).toMatch(/^BQACAgQAAxkBAAI/);
    expect(downloads).toEqual([
      `https://api.telegram.org/file/bot${token}/documents/${String(sent('getFile')[0]?.payload.file_id)}.csv`,
    ]);
    expect(lastText()).toContain('Loaded houses.csv: 300 rows, 7 columns.');
    expect((await core.runtime.getSession(key))?.dataset?.name).toBe('houses.csv');
  });

  it('should refuse a document over the limit without downloading it', async () => {
    await telegram.handleUpdate(documentUpdate('huge.csv', 30 * 2 ** 20));
    expect(sent('getFile')).toEqual([]);
    expect(downloads).toEqual([]);
    expect(lastText()).toContain('"huge.csv" is 30.0 MB, over the upload limit of 20.0 MB.');
  });

  it('should train through buttons, ticking features in place, and push the scores', async () => {
    await telegram.handleUpdate(documentUpdate('houses.csv', 14_000));
    await press(lastMarkup(), 'Train a model');
    expect(sent('answerCallbackQuery')).toHaveLength(1);
    expect(lastText()).toContain('Using houses.csv');
    expect(buttons(lastMarkup()).map((button) => button.text)).toContain('price (number)');

    await press(lastMarkup(), 'price (number)');
    const features = lastMarkup();
    expect(buttons(features).at(-1)?.text).toBe('Done (0)');
    expect(buttons(features)[0]?.text).toBe('area_m2 (number)');

    await press(features, 'area_m2 (number)');
    const ticked = markupOf(sent('editMessageReplyMarkup').at(-1));
    expect(buttons(ticked)[0]?.text).toBe('✅ area_m2 (number)');
    await press(ticked, 'rooms (number)');
    const twice = markupOf(sent('editMessageReplyMarkup').at(-1));
    expect(buttons(twice).at(-1)?.text).toBe('Done (2)');
    const sentBefore = sent('sendMessage').length;

    await press(twice, 'Done (2)');
    expect(sent('sendMessage')).toHaveLength(sentBefore + 1);
    expect(lastText()).toContain('Predicting price from area_m2, rooms.');
    const models = buttons(lastMarkup());
    expect(models.map((button) => button.data.replace(/^cf:v:[\w-]{8}:/, ''))).toContain(
      'linear_regression',
    );

    const model = models.find((button) => button.data.endsWith(':linear_regression'));
    await telegram.handleUpdate(callbackUpdate(model?.data ?? ''));
    expect(lastText()).toBe('Training linear regression on 300 rows…');
    await core.bot.settled(key);
    await vi.waitFor(() => expect(lastText()).toMatch(/R² = 0\.\d+/));
    expect(lastText()).toContain('<pre>term');
    await expect(core.runtime.getSession(key)).resolves.toMatchObject({
      models: [expect.anything()],
    });
  });

  it('should not take the steps of an update delivered again (same update_id)', async () => {
    const steps: string[] = [];
    core.runtime.on('workflow.started', (event) => steps.push(`started ${event.workflow}`));
    core.runtime.on('workflow.transition', (event) => steps.push(event.state));
    await telegram.handleUpdate(documentUpdate('houses.csv', 14_000));
    const train = textUpdate('/train');
    await telegram.handleUpdate(train);
    expect(steps).toEqual(['started ml_training', 'selecting_target']);
    // Telegram delivers it again (the webhook answer was lost): nothing restarts.
    await telegram.handleUpdate(structuredClone(train));
    expect(steps).toEqual(['started ml_training', 'selecting_target']);
    expect(lastText()).toContain('Which column should the model predict?');

    const target = textUpdate('price');
    await telegram.handleUpdate(target);
    await telegram.handleUpdate(structuredClone(target));
    expect(steps).toEqual(['started ml_training', 'selecting_target', 'selecting_features']);
    expect((await core.runtime.getSession(key))?.workflow?.context).toMatchObject({
      target: 'price',
    });
    // Each message is in the history once, as the chat saw it once.
    const history = await core.runtime.getHistory(key, 50);
    expect(history.filter((m) => m.role === 'user').map((m) => m.text)).toEqual([
      '[file houses.csv]',
      '/train',
      'price',
    ]);
  });

  it('should refuse a button of an earlier step', async () => {
    await telegram.handleUpdate(documentUpdate('houses.csv', 14_000));
    await press(lastMarkup(), 'Train a model');
    const targets = lastMarkup();
    await press(targets, 'price (number)');
    await press(targets, 'rooms (number)');
    expect(sent('answerCallbackQuery').at(-1)?.payload.text).toBe(
      'That button belongs to an earlier step.',
    );
    expect((await core.runtime.getSession(key))?.workflow?.context).toMatchObject({
      target: 'price',
    });
  });

  it('should send a histogram as a photo and predictions as a document', async () => {
    await telegram.handleUpdate(documentUpdate('houses.csv', 14_000));
    await telegram.handleUpdate(textUpdate('show me a histogram of price'));
    await core.bot.settled(key);
    await vi.waitFor(() => expect(sent('sendPhoto')).toHaveLength(1));
    const photo = sent('sendPhoto')[0]?.payload ?? {};
    expect(photo.photo).toBeInstanceOf(InputFile);
    expect((photo.photo as InputFile).filename).toBe('histogram-price.png');
    expect(String(photo.caption)).toContain('Histogram of "price"');
    expect(photo.parse_mode).toBe('HTML');

    for (const text of ['/train', 'price', 'area_m2, rooms', 'linear']) {
      await telegram.handleUpdate(textUpdate(text));
    }
    await core.bot.settled(key);
    await telegram.handleUpdate(textUpdate('/predict'));
    await telegram.handleUpdate(textUpdate('latest'));
    await press(lastMarkup(), 'Use houses.csv');
    await core.bot.settled(key);
    await vi.waitFor(() => expect(sent('sendDocument')).toHaveLength(1));
    const document = sent('sendDocument')[0]?.payload ?? {};
    expect((document.document as InputFile).filename).toMatch(/^predictions-linear_regression-/);
    expect(String(document.caption)).toContain('Predicted price for 300 rows');
  });

  it('should leave every command to the bot core and list them', async () => {
    for (const { command } of telegramCommands) {
      expect(parseIntent(`/${command}`)).toMatchObject({ kind: 'command', command });
    }
    await telegram.handleUpdate(textUpdate('/history'));
    expect(lastText()).toBe('We have not talked yet.');
    await telegram.handleUpdate(textUpdate('/forget'));
    expect(lastText()).toContain('Done: I deleted everything I kept about you');
  });

  it('should tell the user that media is not data', async () => {
    updateId += 1;
    await telegram.handleUpdate({
      update_id: updateId,
      message: {
        message_id: 900,
        date,
        chat,
        from: user,
        photo: [{ file_id: 'AgAC', file_unique_id: 'AQAD', width: 90, height: 90 }],
      },
    });
    expect(String(sent('sendMessage')[0]?.payload.text)).toContain('send your data as a file');
  });
});
