import {
  modelTypes,
  type TrainModelInput,
  type TrainModelOutput,
  workflows,
} from '@chatflow/machines';
import {
  createRuntime,
  type Runtime,
  type SessionKey,
  type SessionStore,
  type StepResult,
  StoreUnavailableError,
} from '@chatflow/runtime';
import { type Bot, BotError } from 'grammy';
import type { Chat, User } from 'grammy/types';
import { Keyv } from 'keyv';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { type ChatflowMiddleware, createChatflowMiddleware } from '../../src/grammy/index.ts';
import { createMemoryStore } from '../../src/index.ts';
import { instrumentStore } from '../../src/ops/index.ts';
import {
  type ApiCall,
  ada,
  adaChat,
  buttonData,
  buttonsOf,
  callbackUpdate,
  createTestBot,
  csvToColumns,
  documentUpdate,
  loadArrow,
  type Table,
  textUpdate,
} from './telegramHarness.ts';

type Arrow = Awaited<ReturnType<typeof loadArrow>>;
let arrow: Arrow;
beforeAll(async () => {
  arrow = await loadArrow();
});

/** price = 3 area + 20 rooms + 50, give or take a little. */
const housesCsv = [
  'price,rooms,area,city',
  ...[
    [2, 40, 'Oslo'],
    [3, 55, 'Bergen'],
    [3, 61, 'Oslo'],
    [4, 80, 'Tromsø'],
    [4, 72, 'Bergen'],
    [5, 95, 'Oslo'],
    [2, 38, 'Tromsø'],
    [6, 120, 'Oslo'],
  ].map(([rooms, area, city], index) => {
    const noise = index % 2 === 0 ? 1.5 : -1.5;
    return `${3 * Number(area) + 20 * Number(rooms) + 50 + noise},${rooms},${area},${city}`;
  }),
].join('\n');

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Least squares of y on x: slope, intercept and r². */
function fitLine(x: number[], y: number[]) {
  const n = x.length;
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / n;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: (sxy * sxy) / (sxx * syy) };
}

interface Setup {
  runtime: Runtime;
  bot: Bot;
  calls: ApiCall[];
  chatflow: ChatflowMiddleware;
  clock: { now: number };
  /** Lets the trainer run (it waits for this, once). */
  releaseTraining: () => void;
  trainerFails: { message: string | undefined };
  steps: StepResult[];
  files: Map<string, Uint8Array>;
  /** Makes the next Bot API call of `method` fail as Telegram fails it (502). */
  failNext: (method: string) => void;
}

const open: Setup[] = [];

function setup(options: { store?: SessionStore } = {}): Setup {
  const clock = { now: Date.UTC(2026, 0, 5, 9) };
  // Training waits until released; once released, it runs straight through.
  const gate = deferred();
  const trainerFails: { message: string | undefined } = { message: undefined };
  const files = new Map<string, Uint8Array>();
  let runtime!: Runtime;
  const trainModel = fromPromise<TrainModelOutput, TrainModelInput>(async ({ input, system }) => {
    await gate.promise;
    if (trainerFails.message !== undefined) throw new Error(trainerFails.message);
    const key = runtime.sessionOf(system);
    const table = key === undefined ? undefined : await runtime.getData(key);
    if (table === undefined) throw new Error('no data for this session');
    const column = (name: string) => Array.from(table.getChild(name)?.toArray() ?? [], Number);
    const fit = fitLine(column(input.features[0]!), column(input.target));
    return {
      modelId: `${input.modelType}-${input.target}-${table.numRows}`,
      metrics: { r2: fit.r2, slope: fit.slope },
    };
  });
  runtime = createRuntime({
    workflows,
    actors: { trainModel },
    now: () => clock.now,
    ...(options.store === undefined ? {} : { store: options.store }),
  });
  const { bot, calls, failNext } = createTestBot(files);
  const steps: StepResult[] = [];
  const chatflow = createChatflowMiddleware({
    runtime,
    workflows,
    api: bot.api,
    onStep: (result) => steps.push(result),
    downloadFile: async ({ ctx, fileId }) => {
      const file = await ctx.api.getFile(fileId);
      const bytes = files.get(file.file_path ?? '');
      if (bytes === undefined) throw new Error('no such file');
      return bytes;
    },
    onDocument: async ({ runtime, key, file }) => {
      const table: Table = arrow.tableFromArrays(
        csvToColumns(new TextDecoder().decode(file.bytes)),
      );
      return runtime.storeData(key, table, { name: file.name });
    },
  });
  bot.use(chatflow);
  const made: Setup = {
    runtime,
    bot,
    calls,
    chatflow,
    clock,
    releaseTraining: () => gate.resolve(),
    trainerFails,
    steps,
    files,
    failNext,
  };
  open.push(made);
  return made;
}

afterEach(async () => {
  for (const { chatflow, runtime, releaseTraining } of open.splice(0)) {
    releaseTraining();
    chatflow.dispose();
    await runtime.shutdown();
  }
});

const key: SessionKey = { userId: ada.id, conversationId: String(adaChat.id) };

/** The calls made while `run` ran. */
async function callsDuring(s: Setup, run: () => Promise<unknown>): Promise<ApiCall[]> {
  const before = s.calls.length;
  await run();
  await s.chatflow.idle();
  return s.calls.slice(before);
}

const sent = (calls: ApiCall[]) => calls.filter((call) => call.method === 'sendMessage');

/** Waits for the runtime's next step taken without a message, then for its announcement. */
function nextInternalStep(s: Setup) {
  return new Promise<void>((resolve) => {
    const off = s.runtime.on('workflow.transition', (event) => {
      if (event.source !== 'internal') return;
      off();
      resolve();
    });
  }).then(() => s.chatflow.idle());
}

/** Uploads houses.csv as a document. */
async function upload(s: Setup, name = 'houses.csv', fileId = 'BQACAgQAAxkBAAIBn2') {
  const bytes = new TextEncoder().encode(housesCsv);
  s.files.set(`documents/${fileId}.csv`, bytes);
  return callsDuring(s, () => s.bot.handleUpdate(documentUpdate(name, fileId, bytes.byteLength)));
}

/** Walks a chat to the target step of ML training with houses.csv. */
async function toSelectingTarget(s: Setup) {
  await upload(s);
  const menu = s.calls.at(-1);
  return callsDuring(s, () =>
    s.bot.handleUpdate(callbackUpdate(buttonData(menu, 'Train a model'))),
  );
}

describe('createChatflowMiddleware', () => {
  it('should walk a whole ML training conversation, ending with the training-finished push', async () => {
    const s = setup();

    const start = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/start')));
    expect(start).toHaveLength(1);
    expect(start[0]?.method).toBe('sendMessage');
    expect(start[0]?.payload.chat_id).toBe(adaChat.id);
    expect(start[0]?.payload.text).toContain('Choose one to start');
    expect(buttonsOf(start[0]).map(([label]) => label)).toEqual([
      'Train a model',
      'Predict with a model',
      workflows.stats_analysis.label,
      workflows.data_exploration.label,
    ]);

    const uploaded = await upload(s);
    expect(uploaded.map((call) => call.method)).toEqual(['getFile', 'sendMessage']);
    expect(uploaded[0]?.payload.file_id).toBe('BQACAgQAAxkBAAIBn2');
    expect(uploaded[1]?.payload.text).toBe(
      'Got houses.csv: 8 rows, 4 columns. What would you like to do with it?',
    );

    // The menu button starts training, which takes the uploaded data at once.
    const train = await callsDuring(s, () =>
      s.bot.handleUpdate(callbackUpdate(buttonData(uploaded[1], 'Train a model'))),
    );
    expect(train.map((call) => call.method)).toEqual([
      'answerCallbackQuery',
      'editMessageReplyMarkup',
      'sendMessage',
    ]);
    expect(train[1]?.payload.reply_markup).toBeUndefined();
    expect(train[2]?.payload.text).toBe(
      'Using houses.csv (8 rows).\n\nWhich column should the model predict? Choose the target column.',
    );
    expect(buttonsOf(train[2]).map(([label]) => label)).toEqual([
      'price',
      'rooms',
      'area',
      'city',
      '⬅ Back',
      '✖ Cancel',
    ]);

    // A column button selects the target.
    const target = await callsDuring(s, () =>
      s.bot.handleUpdate(callbackUpdate(buttonData(train[2], 'price'))),
    );
    const featuresStep = sent(target)[0];
    expect(featuresStep?.payload.text).toBe(
      'Which columns should the model learn from? Choose one or more feature columns.',
    );
    expect(buttonsOf(featuresStep).map(([label]) => label)).toEqual([
      'rooms',
      'area',
      'city',
      'Done (0)',
      '⬅ Back',
      '✖ Cancel',
    ]);
    for (const [, data] of buttonsOf(featuresStep)) {
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    }

    // Toggling a feature edits the keyboard in place; nothing is sent to the runtime.
    const stepsBefore = s.steps.length;
    const toggled = await callsDuring(s, () =>
      s.bot.handleUpdate(callbackUpdate(buttonData(featuresStep, 'area'))),
    );
    expect(toggled.map((call) => call.method)).toEqual([
      'answerCallbackQuery',
      'editMessageReplyMarkup',
    ]);
    expect(s.steps).toHaveLength(stepsBefore);
    expect(buttonsOf(toggled[1]).map(([label]) => label)).toEqual([
      'rooms',
      '✅ area',
      'city',
      'Done (1)',
      '⬅ Back',
      '✖ Cancel',
    ]);

    const features = await callsDuring(s, () =>
      s.bot.handleUpdate(callbackUpdate(buttonData(toggled[1], 'Done (1)'))),
    );
    const modelStep = sent(features)[0];
    expect(modelStep?.payload.text).toContain('Choose a model type');
    // Only the model types that suit the numeric target are offered.
    const regression = modelTypes.filter((modelType) => modelType.task === 'regression');
    expect(regression.map((modelType) => modelType.id)).toEqual([
      'linear_regression',
      'random_forest_regression',
    ]);
    expect(buttonsOf(modelStep).map(([label]) => label)).toEqual([
      ...regression.map((modelType) => modelType.label),
      '⬅ Back',
      '✖ Cancel',
    ]);

    const confirm = await callsDuring(s, () =>
      s.bot.handleUpdate(callbackUpdate(buttonData(modelStep, regression[0]!.label))),
    );
    expect(sent(confirm)[0]?.payload.text).toBe('Training the model. This can take a moment.');
    expect(buttonsOf(sent(confirm)[0]).map(([label]) => label)).toEqual(['⬅ Back', '✖ Cancel']);

    // Training finishes without a message: the chat is told with bot.api.sendMessage.
    const finished = nextInternalStep(s);
    const before = s.calls.length;
    s.releaseTraining();
    await finished;
    const pushed = s.calls.slice(before);
    expect(pushed.map((call) => call.method)).toEqual(['sendMessage']);
    expect(pushed[0]?.payload.chat_id).toBe(adaChat.id);
    const text = pushed[0]?.payload.text ?? '';
    expect(text).toContain('Model linear_regression-price-8 (linear_regression) predicts price');
    expect(text).toContain('from area.');
    expect(text).toContain('The model is trained and ready for predictions.');
    const r2 = Number(/r2 (\d+(?:\.\d+)?)/.exec(text)?.[1]);
    const slope = Number(/slope (\d+(?:\.\d+)?)/.exec(text)?.[1]);
    expect(r2).toBeGreaterThan(0.95);
    expect(r2).toBeLessThan(1);
    expect(slope).toBeGreaterThan(3);
    expect(buttonsOf(pushed[0]).map(([label]) => label)).toContain('Predict with a model');

    const session = await s.runtime.getSession(key);
    expect(session?.models.map((model) => model.modelId)).toEqual(['linear_regression-price-8']);
  });

  it('should read typed answers: a column name, a list of features, a model type id', async () => {
    const s = setup();
    await toSelectingTarget(s);
    const target = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('Price')));
    expect(sent(target)[0]?.payload.text).toContain('Which columns should the model learn from?');
    const features = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('rooms, AREA')));
    expect(sent(features)[0]?.payload.text).toContain('Choose a model type');
    const model = await callsDuring(s, () =>
      s.bot.handleUpdate(textUpdate('random_forest_regression')),
    );
    expect(sent(model)[0]?.payload.text).toBe('Training the model. This can take a moment.');
    const session = await s.runtime.getSession(key);
    expect(session?.workflow?.context).toMatchObject({
      target: 'price',
      features: ['rooms', 'area'],
      modelType: 'random_forest_regression',
    });
  });

  it("should answer a refused step with the workflow's refusal message and the step's buttons", async () => {
    const s = setup();
    await toSelectingTarget(s);
    const refused = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('banana')));
    expect(refused).toHaveLength(1);
    expect(refused[0]?.payload.text).toBe(
      '"banana" is not a column of houses.csv. Choose one of: price, rooms, area, city.',
    );
    expect(buttonsOf(refused[0]).map(([label]) => label)).toContain('price');
    expect(s.steps.at(-1)).toMatchObject({ ok: false, code: 'PREREQUISITE_NOT_MET' });

    // A model type that does not suit the target is refused too.
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('price')));
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('area')));
    const wrongModel = await callsDuring(s, () =>
      s.bot.handleUpdate(textUpdate('logistic_regression')),
    );
    expect(wrongModel[0]?.payload.text).toContain('logistic_regression is a classification model');
  });

  it('should cancel the running workflow on /cancel and offer the menu', async () => {
    const s = setup();
    await toSelectingTarget(s);
    const cancel = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/cancel')));
    expect(cancel).toHaveLength(1);
    expect(cancel[0]?.payload.text).toBe('Cancelled "Train a model". What would you like to do?');
    expect(buttonsOf(cancel[0]).map(([label]) => label)).toContain('Train a model');
    expect(await s.runtime.send(key, { type: 'back' })).toMatchObject({
      ok: false,
      code: 'NO_ACTIVE_WORKFLOW',
    });

    const again = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/cancel')));
    expect(again[0]?.payload.text).toBe('There is nothing to cancel. What would you like to do?');
  });

  it('should report the session on /status', async () => {
    const s = setup();
    const idle = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/status')));
    expect(idle[0]?.payload.text).toBe('Nothing is running.');
    await toSelectingTarget(s);
    const status = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/status')));
    expect(status[0]?.payload.text).toBe(
      [
        'Running: Train a model, step "selecting target".',
        'Which column should the model predict? Choose the target column.',
        'Data: houses.csv (8 rows, 4 columns).',
      ].join('\n'),
    );
    expect(buttonsOf(status[0]).map(([label]) => label)).toContain('city');
  });

  it('should erase everything about the user on /forget', async () => {
    const s = setup();
    await toSelectingTarget(s);
    const forget = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/forget')));
    expect(forget).toHaveLength(1);
    expect(forget[0]?.payload.text).toBe(
      'Done: I deleted 1 session(s) and 1 data file(s) of yours.',
    );
    expect(await s.runtime.getSession(key)).toBeUndefined();
  });

  it('should refuse a button of an earlier step instead of applying it', async () => {
    const s = setup();
    const targetStep = sent(await toSelectingTarget(s))[0];
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('price')));
    // "rooms" of the target step, pressed while the features are being chosen.
    const stale = await callsDuring(s, () =>
      s.bot.handleUpdate(callbackUpdate(buttonData(targetStep, 'rooms'))),
    );
    expect(stale[0]).toMatchObject({
      method: 'answerCallbackQuery',
      payload: { text: 'That button belongs to an earlier step.' },
    });
    expect(sent(stale)[0]?.payload.text).toContain('Which columns should the model learn from?');
    expect((await s.runtime.getSession(key))?.workflow?.context).toMatchObject({
      target: 'price',
      features: [],
    });
  });

  it("should leave other buttons' callback data to the next middleware", async () => {
    const s = setup();
    const seen: string[] = [];
    s.bot.on('callback_query:data', (ctx) => {
      seen.push(ctx.callbackQuery.data);
    });
    const calls = await callsDuring(s, () => s.bot.handleUpdate(callbackUpdate('vote:up')));
    expect(calls).toEqual([]);
    expect(seen).toEqual(['vote:up']);
  });

  it('should ignore commands addressed to another bot and pass unknown ones on', async () => {
    const s = setup();
    const passed: string[] = [];
    s.bot.on('message:text', (ctx) => {
      passed.push(ctx.message.text);
    });
    const calls = await callsDuring(s, async () => {
      await s.bot.handleUpdate(textUpdate('/status@some_other_bot'));
      await s.bot.handleUpdate(textUpdate('/weather'));
    });
    expect(calls).toEqual([]);
    expect(passed).toEqual(['/status@some_other_bot', '/weather']);
    const mine = await callsDuring(s, () =>
      s.bot.handleUpdate(textUpdate('/status@chatflow_stats_bot')),
    );
    expect(mine[0]?.payload.text).toBe('Nothing is running.');
  });

  it('should refuse a document at a step that does not take one', async () => {
    const s = setup();
    await toSelectingTarget(s);
    const refused = await upload(s, 'other.csv', 'BQACAgQAAxkBAAIBq9');
    expect(refused.map((call) => call.method)).toEqual(['sendMessage']);
    expect(refused[0]?.payload.text).toContain('I cannot take a file at this step.');
  });

  it("should tell the user when a document cannot be read, with the host's reason", async () => {
    const s = setup();
    const fileId = 'BQACAgQAAxkBAAIBr4';
    const bytes = new TextEncoder().encode('a,b\n1,2\n3');
    s.files.set(`documents/${fileId}.csv`, bytes);
    const calls = await callsDuring(s, () =>
      s.bot.handleUpdate(documentUpdate('broken.csv', fileId, bytes.byteLength)),
    );
    expect(sent(calls)[0]?.payload.text).toBe(
      'I could not read broken.csv: every row needs one value per column',
    );
  });

  it('should refuse a document larger than maxFileBytes before downloading it', async () => {
    const s = setup();
    const calls = await callsDuring(s, () =>
      s.bot.handleUpdate(documentUpdate('huge.csv', 'BQACAgQAAxkBAAIBz1', 21 * 2 ** 20)),
    );
    expect(calls.map((call) => call.method)).toEqual(['sendMessage']);
    expect(calls[0]?.payload.text).toBe('That file is too large: I can take files up to 20 MB.');
  });

  it('should push a failed training back to the model step with its error', async () => {
    const s = setup();
    await toSelectingTarget(s);
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('price')));
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('area')));
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('linear_regression')));
    s.trainerFails.message = 'the design matrix is singular';
    const failed = nextInternalStep(s);
    const before = s.calls.length;
    s.releaseTraining();
    await failed;
    const pushed = s.calls.slice(before);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]?.payload.text).toMatch(
      /^⚠ the design matrix is singular\n\nChoose a model type/,
    );
    expect(buttonsOf(pushed[0]).map(([label]) => label)).toContain(modelTypes[0]?.label);
  });

  it('should say so when a session was recovered from its grace period', async () => {
    const s = setup();
    await toSelectingTarget(s);
    s.clock.now += 32 * 60_000; // past the 30 minute timeout, within the 5 minute grace
    const back = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/status')));
    expect(back[0]?.payload.text).toMatch(
      /^Welcome back: your session was restored where you left off\.\n\nRunning: Train a model/,
    );
  });

  it('should say so when an expired session was replaced by a fresh one', async () => {
    const s = setup();
    await toSelectingTarget(s);
    s.clock.now += 60 * 60_000; // past timeout and grace
    const fresh = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/status')));
    expect(fresh[0]?.payload.text).toBe(
      'Your previous session expired, so this is a fresh start.\n\nNothing is running.',
    );
  });

  it("should send a chat's replies in the order its updates arrived", async () => {
    const s = setup();
    await toSelectingTarget(s);
    const calls = await callsDuring(s, () =>
      Promise.all([
        s.bot.handleUpdate(textUpdate('price')),
        s.bot.handleUpdate(textUpdate('/status')),
        s.bot.handleUpdate(textUpdate('area')),
        s.bot.handleUpdate(textUpdate('/status')),
      ]),
    );
    const texts = sent(calls).map((call) => call.payload.text ?? '');
    expect(texts).toHaveLength(4);
    expect(texts[0]).toContain('Which columns should the model learn from?');
    expect(texts[1]).toContain('step "selecting features"');
    expect(texts[2]).toContain('Choose a model type');
    expect(texts[3]).toContain('step "confirming model"');
  });

  it('should keep the sessions of two users in one group chat apart', async () => {
    const s = setup();
    const group: Chat = { id: -1001234567890, type: 'supergroup', title: 'Analysts' };
    const bob: User = { id: 5020, is_bot: false, first_name: 'Bob' };
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/train', ada, group)));
    const bobStatus = await callsDuring(s, () =>
      s.bot.handleUpdate(textUpdate('/status', bob, group)),
    );
    expect(bobStatus[0]?.payload.chat_id).toBe(group.id);
    expect(bobStatus[0]?.payload.text).toBe('Nothing is running.');
    const adaSession = await s.runtime.getSession({
      userId: ada.id,
      conversationId: String(group.id),
    });
    expect(adaSession?.workflow?.state).toBe('awaiting_data');
  });

  it('should go back one step with /back and the back button', async () => {
    const s = setup();
    const targetStep = sent(await toSelectingTarget(s))[0];
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('price')));
    const back = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/back')));
    expect(sent(back)[0]?.payload.text).toContain('Which column should the model predict?');
    // That is the target step again, so its earlier buttons are valid again.
    const pressed = await callsDuring(s, () =>
      s.bot.handleUpdate(callbackUpdate(buttonData(targetStep, '⬅ Back'))),
    );
    expect(sent(pressed)[0]?.payload.text).toBe(
      'Please upload a CSV or Excel file with your data.',
    );
  });

  it('should send the reply to a step before the announcement of the work it started', async () => {
    const s = setup();
    await toSelectingTarget(s);
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('price')));
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('area')));
    s.releaseTraining(); // the trainer finishes as soon as it starts
    const finished = nextInternalStep(s);
    const calls = await callsDuring(s, async () => {
      await s.bot.handleUpdate(textUpdate('linear_regression'));
      await finished;
    });
    expect(sent(calls).map((call) => call.payload.text?.split('\n')[0])).toEqual([
      'Training the model. This can take a moment.',
      expect.stringMatching(/^Model linear_regression-price-8/),
    ]);
  });

  it('should take a document at a step that awaits data', async () => {
    const s = setup();
    const train = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/train')));
    expect(sent(train)[0]?.payload.text).toBe('Please upload a CSV or Excel file with your data.');
    const uploaded = await upload(s);
    expect(sent(uploaded)[0]?.payload.text).toBe(
      'Which column should the model predict? Choose the target column.',
    );
    expect((await s.runtime.getSession(key))?.dataset?.rowCount).toBe(8);
  });

  it('should offer the menu for text while nothing runs, and start a workflow named by its label', async () => {
    const s = setup();
    const menu = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('hello')));
    expect(menu[0]?.payload.text).toBe('What would you like to do?');
    expect(buttonsOf(menu[0])).toHaveLength(Object.keys(workflows).length);
    const started = await callsDuring(s, () =>
      s.bot.handleUpdate(textUpdate(` ${workflows.data_exploration.label.toUpperCase()} `)),
    );
    expect((await s.runtime.getSession(key))?.workflow?.type).toBe('data_exploration');
    expect(sent(started)[0]?.payload.text).toBe(
      'Please upload a CSV or Excel file with your data.',
    );
  });

  it('should say when text means nothing at this step and show the step again', async () => {
    const s = setup();
    await upload(s);
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/explore')));
    const lost = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('sing me a song')));
    expect(lost[0]?.payload.text).toMatch(
      /^Sorry, I did not get that\.\n\nWhat would you like to see\?/,
    );
    expect(buttonsOf(lost[0]).map(([label]) => label)).toContain('Done');
  });

  it('should explain the commands on /help', async () => {
    const s = setup();
    const help = await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/help')));
    const text = help[0]?.payload.text ?? '';
    for (const { command } of s.chatflow.commands) expect(text).toContain(`/${command} `);
  });

  it('should record the conversation in the history when asked to', async () => {
    const s = setup();
    const bot = createTestBot().bot;
    const chatflow = createChatflowMiddleware({ runtime: s.runtime, workflows, history: true });
    bot.use(chatflow);
    await bot.handleUpdate(textUpdate('/train'));
    await bot.handleUpdate(textUpdate('hello?'));
    const history = await s.runtime.getHistory(key, 10);
    expect(history.map((message) => [message.role, message.text])).toEqual([
      ['assistant', 'Please upload a CSV or Excel file with your data.'],
      ['user', 'hello?'],
      [
        'assistant',
        'Sorry, I did not get that.\n\nPlease upload a CSV or Excel file with your data.',
      ],
    ]);
    chatflow.dispose();
  });

  it('should apologise and hand the error to grammY when the store fails', async () => {
    const storage = new Map<string, unknown>();
    let down = false;
    const flaky = new Proxy(storage, {
      get(target, property, receiver) {
        if (down && (property === 'get' || property === 'set')) {
          return () => {
            throw new Error('connect ECONNREFUSED 127.0.0.1:6399');
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const runtime = createRuntime({ workflows, store: new Keyv({ store: flaky }) });
    const { bot, calls } = createTestBot();
    const chatflow = createChatflowMiddleware({ runtime, workflows });
    bot.use(chatflow);
    try {
      await bot.handleUpdate(textUpdate('/status'));
      down = true;
      const failure = bot.handleUpdate(textUpdate('/train'));
      await expect(failure).rejects.toBeInstanceOf(BotError);
      await failure.catch((error: BotError) => {
        expect(error.error).toBeInstanceOf(StoreUnavailableError);
      });
      expect(calls.at(-1)?.payload.text).toBe(
        'Sorry, something went wrong on my side. Please try again in a moment.',
      );
      down = false;
      await bot.handleUpdate(textUpdate('/train'));
      expect(calls.at(-1)?.payload.text).toBe('Please upload a CSV or Excel file with your data.');
    } finally {
      chatflow.dispose();
      await runtime.shutdown();
    }
  });

  it('should stop announcing once disposed', async () => {
    const s = setup();
    await toSelectingTarget(s);
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('price')));
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('area')));
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('linear_regression')));
    s.chatflow.dispose();
    const finished = nextInternalStep(s);
    const before = s.calls.length;
    s.releaseTraining();
    await finished;
    expect(s.calls.slice(before)).toEqual([]);
  });

  it('should list its commands for setMyCommands', () => {
    const s = setup();
    expect(s.chatflow.commands.map((command) => command.command)).toEqual([
      'start',
      'train',
      'predict',
      'analyze',
      'explore',
      'status',
      'back',
      'cancel',
      'forget',
      'help',
    ]);
  });
});

describe('createChatflowMiddleware: an update delivered again', () => {
  /** What a reply says and offers, for comparing two replies. */
  const shown = (call: ApiCall | undefined) => [call?.payload.text, buttonsOf(call)];

  it('should not apply a step twice when its reply failed and Telegram delivers the update again', async () => {
    const s = setup();
    await toSelectingTarget(s);
    const update = textUpdate('price');
    s.failNext('sendMessage');
    const first = await callsDuring(s, () =>
      expect(s.bot.handleUpdate(update)).rejects.toBeInstanceOf(BotError),
    );
    // The step was written before its reply failed; the user got an apology instead.
    expect(sent(first).map((call) => call.payload.text)).toEqual([
      expect.stringContaining('Which columns should the model learn from?'),
      'Sorry, something went wrong on my side. Please try again in a moment.',
    ]);
    expect((await s.runtime.getSession(key))?.workflow?.state).toBe('selecting_features');

    // Read again, "price" at the features step would be a refused feature list.
    const again = await callsDuring(s, () => s.bot.handleUpdate(update));
    expect(sent(again)).toHaveLength(1);
    expect(shown(sent(again)[0])).toEqual(shown(first[0]));
    expect(s.steps.at(-1)).toMatchObject({
      ok: true,
      state: 'selecting_features',
      duplicate: true,
    });
    const session = await s.runtime.getSession(key);
    expect(session?.workflow?.state).toBe('selecting_features');
    expect(session?.workflow?.context).toMatchObject({ target: 'price' });
  });

  it('should record a text delivered again, and the same reply to it, once in the history', async () => {
    const s = setup();
    await toSelectingTarget(s);
    const { bot } = createTestBot();
    const chatflow = createChatflowMiddleware({ runtime: s.runtime, workflows, history: true });
    bot.use(chatflow);
    const update = textUpdate('price');
    await bot.handleUpdate(update);
    await bot.handleUpdate(update);
    const history = await s.runtime.getHistory(key, 10);
    expect(history.map((message) => [message.role, message.text.split('\n')[0]])).toEqual([
      ['user', 'price'],
      ['assistant', expect.stringContaining('Which columns should the model learn from?')],
    ]);
    expect(history.map((message) => message.messageId)).toEqual([
      String(update.update_id),
      String(update.update_id),
    ]);
    chatflow.dispose();
  });

  it('should go back once for a /back delivered twice', async () => {
    const s = setup();
    await toSelectingTarget(s);
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('price')));
    const update = textUpdate('/back');
    s.failNext('sendMessage');
    const first = await callsDuring(s, () =>
      expect(s.bot.handleUpdate(update)).rejects.toBeInstanceOf(BotError),
    );
    const again = await callsDuring(s, () => s.bot.handleUpdate(update));
    expect(shown(sent(again)[0])).toEqual(shown(first[0]));
    expect(sent(again)[0]?.payload.text).toContain('Which column should the model predict?');
    // A second step back would be the upload step.
    expect((await s.runtime.getSession(key))?.workflow?.state).toBe('selecting_target');
  });

  it('should not restart a workflow when the update that started it comes again later', async () => {
    const s = setup();
    const uploaded = await upload(s);
    const start = callbackUpdate(buttonData(uploaded.at(-1), 'Train a model'));
    await callsDuring(s, () => s.bot.handleUpdate(start));
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('price')));
    const command = textUpdate('/train');
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/cancel')));
    await callsDuring(s, () => s.bot.handleUpdate(command));
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('rooms')));
    const started: string[] = [];
    const stop = s.runtime.on('workflow.started', (event) => started.push(event.workflow));
    try {
      // The button (its workflow took the uploaded data at once, a second step) and the
      // command, both delivered again.
      const button = await callsDuring(s, () => s.bot.handleUpdate(start));
      const typed = await callsDuring(s, () => s.bot.handleUpdate(command));
      expect(started).toEqual([]);
      for (const calls of [button, typed]) {
        expect(sent(calls)).toHaveLength(1);
        expect(sent(calls)[0]?.payload.text).toContain(
          'Which columns should the model learn from?',
        );
      }
      const session = await s.runtime.getSession(key);
      expect(session?.workflow?.state).toBe('selecting_features');
      expect(session?.workflow?.context).toMatchObject({ target: 'rooms' });
      expect(s.steps.slice(-2)).toEqual([
        expect.objectContaining({ duplicate: true }),
        expect.objectContaining({ duplicate: true }),
      ]);
    } finally {
      stop();
    }
  });

  it('should not cancel the workflow started after a /cancel that comes again', async () => {
    const s = setup();
    await toSelectingTarget(s);
    const cancel = textUpdate('/cancel');
    await callsDuring(s, () => s.bot.handleUpdate(cancel));
    expect((await s.runtime.getSession(key))?.workflow).toBeNull();
    await callsDuring(s, () => s.bot.handleUpdate(textUpdate('/train')));
    const cancelled: string[] = [];
    const stop = s.runtime.on('workflow.cancelled', (event) => cancelled.push(event.workflow));
    try {
      // The bot crashed before confirming both: Telegram sends /cancel again.
      const again = await callsDuring(s, () => s.bot.handleUpdate(cancel));
      expect(cancelled).toEqual([]);
      expect(sent(again)).toHaveLength(1);
      const session = await s.runtime.getSession(key);
      expect(session?.workflow).toMatchObject({ type: 'ml_training', done: false });
    } finally {
      stop();
    }
  });

  it('should refuse a button press delivered again once its step has passed', async () => {
    const s = setup();
    const target = sent(await toSelectingTarget(s))[0];
    const press = callbackUpdate(buttonData(target, 'price'));
    await callsDuring(s, () => s.bot.handleUpdate(press));
    const again = await callsDuring(s, () => s.bot.handleUpdate(press));
    expect(again[0]).toMatchObject({
      method: 'answerCallbackQuery',
      payload: { text: expect.stringContaining('earlier step') },
    });
    expect((await s.runtime.getSession(key))?.workflow?.state).toBe('selecting_features');
  });
});

describe('createChatflowMiddleware: store calls', () => {
  it("should add no store call to the runtime's: each update costs what getOrCreateSession and its step cost", async () => {
    const operations: string[] = [];
    const store = instrumentStore(createMemoryStore(), ({ operation }) => {
      operations.push(operation);
    });
    const s = setup({ store });
    const during = async (run: () => Promise<unknown>) => {
      const from = operations.length;
      await run();
      await s.chatflow.idle();
      return operations.slice(from);
    };
    // Another user's session, driven by hand the way any bot must: the session, then the step.
    const other: SessionKey = { userId: 6020, conversationId: '6020' };
    let messageId = 0;
    const byHand = (step: () => Promise<unknown>) =>
      during(async () => {
        await s.runtime.getOrCreateSession(other);
        await step();
      });
    const update = (update: Parameters<Bot['handleUpdate']>[0]) =>
      during(() => s.bot.handleUpdate(update));

    const bytes = new TextEncoder().encode(housesCsv);
    s.files.set('documents/BQACAgQAAxkBAAIBn2.csv', bytes);
    const table: Table = arrow.tableFromArrays(csvToColumns(housesCsv));
    const pairs = [
      [
        await update(textUpdate('/train')),
        await byHand(() =>
          s.runtime.startWorkflow(other, 'ml_training', { messageId: ++messageId }),
        ),
      ],
      [
        await update(documentUpdate('houses.csv', 'BQACAgQAAxkBAAIBn2', bytes.byteLength)),
        await byHand(async () => {
          const dataset = await s.runtime.storeData(other, table, { name: 'houses.csv' });
          await s.runtime.send(
            other,
            { type: 'data.uploaded', dataset },
            { messageId: ++messageId },
          );
        }),
      ],
      [
        await update(textUpdate('price')),
        await byHand(() =>
          s.runtime.send(
            other,
            { type: 'target.selected', column: 'price' },
            { messageId: ++messageId },
          ),
        ),
      ],
      [
        await update(textUpdate('area')),
        await byHand(() =>
          s.runtime.send(
            other,
            { type: 'features.selected', columns: ['area'] },
            { messageId: ++messageId },
          ),
        ),
      ],
    ];
    for (const [viaBot, viaRuntime] of pairs) {
      expect(viaBot!.length).toBeGreaterThan(0);
      expect(viaBot).toEqual(viaRuntime);
    }
    expect((await s.runtime.getSession(key))?.workflow?.state).toBe('confirming_model');
    expect((await s.runtime.getSession(other))?.workflow?.state).toBe('confirming_model');
  });
});
