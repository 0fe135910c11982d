import { workflows } from '@chatflow/machines';
import { createRuntime, type Runtime, type SessionKey } from '@chatflow/runtime';
import { type Bot, InputFile } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChatflowMiddleware,
  createChatflowMiddleware,
  type HostMessage,
  type Reply,
  type RespondArgs,
} from '../../src/grammy/index.ts';
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
  documentUpdate,
  textUpdate,
} from './telegramHarness.ts';

const key: SessionKey = { userId: ada.id, conversationId: String(adaChat.id) };
const longValue = `${'a very long option value '.repeat(3)}that cannot travel in the data`;
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A small host of its own: a colour picker, a multi-select, a chart, a file echo. */
async function answer(args: RespondArgs, gate: Promise<void>): Promise<Reply[]> {
  const { message, runtime } = args;
  if ('choice' in message) return [{ text: `You chose ${message.choice}.` }];
  if ('choices' in message) return [{ text: `Toppings: ${message.choices.join(' + ')}.` }];
  if ('file' in message) {
    const { name, bytes, mimeType } = message.file;
    return [
      {
        text: `Got ${name} (${bytes.byteLength} bytes, ${mimeType}).`,
        file: { name: `echo-${name}`, bytes },
      },
    ];
  }
  switch (message.text) {
    case 'colour':
      return [
        {
          text: 'Pick a colour',
          choices: [
            { label: 'Red', value: 'red' },
            { label: 'Long one', value: longValue },
          ],
        },
      ];
    case 'toppings':
      return [
        {
          text: 'Toppings?',
          choices: [
            { label: 'Cheese', value: 'cheese' },
            { label: 'Olives', value: 'olives' },
            { label: 'Basil', value: 'basil' },
          ],
          multiple: true,
        },
      ];
    case 'chart':
      return [{ text: 'Your chart', image: { name: 'chart.png', bytes: png } }];
    case 'long chart':
      return [
        {
          text: 'x'.repeat(1500),
          image: { name: 'chart.png', bytes: png },
          choices: [{ label: 'Again', value: 'chart' }],
        },
      ];
    case 'train': {
      // The update's id goes with the step, so a redelivered update is not applied twice.
      const result = await runtime.startWorkflow(args.key, 'ml_training', {
        messageId: args.messageId,
      });
      const again = result.ok && result.duplicate ? 'Already started. ' : '';
      return [{ text: `${again}${result.ok ? result.prompt : 'no'}` }];
    }
    case 'slow':
      await gate;
      return [{ text: 'Slow answer' }];
    default:
      return [{ text: `You said: ${message.text}` }];
  }
}

interface Setup {
  runtime: Runtime;
  bot: Bot;
  calls: ApiCall[];
  chatflow: ChatflowMiddleware;
  clock: { now: number };
  received: HostMessage[];
  /** The `messageId` of each call of the host's `respond`. */
  messageIds: number[];
  release: () => void;
  files: Map<string, Uint8Array>;
}

const open: Setup[] = [];

function setup(
  options: {
    runtime?: Runtime;
    hostCommands?: { command: string; description: string }[];
    clock?: { now: number };
    history?: boolean;
  } = {},
): Setup {
  const clock = options.clock ?? { now: Date.UTC(2026, 0, 5, 9) };
  const runtime = options.runtime ?? createRuntime({ workflows, now: () => clock.now });
  const files = new Map<string, Uint8Array>();
  const { bot, calls } = createTestBot(files);
  const received: HostMessage[] = [];
  const messageIds: number[] = [];
  const gate = deferred();
  const chatflow = createChatflowMiddleware({
    runtime,
    workflows,
    api: bot.api,
    ...(options.hostCommands === undefined ? {} : { hostCommands: options.hostCommands }),
    ...(options.history === undefined ? {} : { history: options.history }),
    downloadFile: async ({ ctx, fileId }) => {
      const file = await ctx.api.getFile(fileId);
      const bytes = files.get(file.file_path ?? '');
      if (bytes === undefined) throw new Error('no such file');
      return bytes;
    },
    respond: (args) => {
      received.push(args.message);
      messageIds.push(args.messageId);
      return answer(args, gate.promise);
    },
  });
  bot.use(chatflow);
  const made = {
    runtime,
    bot,
    calls,
    chatflow,
    clock,
    received,
    messageIds,
    release: gate.resolve,
    files,
  };
  open.push(made);
  return made;
}

afterEach(async () => {
  const runtimes = new Set<Runtime>();
  for (const { chatflow, runtime, release } of open.splice(0)) {
    release();
    await chatflow.idle();
    chatflow.dispose();
    runtimes.add(runtime);
  }
  for (const runtime of runtimes) await runtime.shutdown();
});

async function callsDuring(s: Setup, run: () => Promise<unknown>): Promise<ApiCall[]> {
  const before = s.calls.length;
  await run();
  await s.chatflow.idle();
  return s.calls.slice(before);
}

const say = (s: Setup, text: string) => callsDuring(s, () => s.bot.handleUpdate(textUpdate(text)));
const press = (s: Setup, data: string) =>
  callsDuring(s, () => s.bot.handleUpdate(callbackUpdate(data)));

describe('createHostConversation', () => {
  it("should send the host's text with its choices as buttons and hand a pressed one back as its value", async () => {
    const s = setup();
    const offered = await say(s, 'colour');
    expect(offered.map((call) => call.method)).toEqual(['sendMessage']);
    expect(offered[0]?.payload).toMatchObject({ chat_id: adaChat.id, text: 'Pick a colour' });
    expect(offered[0]?.payload.parse_mode).toBeUndefined();
    const buttons = buttonsOf(offered[0]);
    expect(buttons.map(([label]) => label)).toEqual(['Red', 'Long one']);
    // A short value travels in the data; a long one by its index.
    expect(buttons[0]?.[1]).toMatch(/^cf:v:[A-Za-z0-9_-]{8}:red$/);
    expect(buttons[1]?.[1]).toMatch(/^cf:c:[A-Za-z0-9_-]{8}:1$/);
    for (const [, data] of buttons) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);

    const red = await press(s, buttonData(offered[0], 'Red'));
    expect(red.map((call) => call.method)).toEqual([
      'answerCallbackQuery',
      'editMessageReplyMarkup',
      'sendMessage',
    ]);
    expect(red[1]?.payload.reply_markup).toBeUndefined();
    expect(red[2]?.payload.text).toBe('You chose red.');

    const long = await press(s, buttonData(offered[0], 'Long one'));
    expect(long.at(-1)?.payload.text).toBe(`You chose ${longValue}.`);
    expect(s.received).toEqual([{ text: 'colour' }, { choice: 'red' }, { choice: longValue }]);
  });

  it('should toggle a multi-select in place and hand the picked values back in option order', async () => {
    const s = setup();
    const offered = (await say(s, 'toppings'))[0];
    expect(buttonsOf(offered).map(([label]) => label)).toEqual([
      'Cheese',
      'Olives',
      'Basil',
      'Done (0)',
    ]);

    const nothing = await press(s, buttonData(offered, 'Done (0)'));
    expect(nothing).toEqual([
      expect.objectContaining({
        method: 'answerCallbackQuery',
        payload: expect.objectContaining({ text: 'Pick at least one option first.' }),
      }),
    ]);

    const basil = await press(s, buttonData(offered, 'Basil'));
    expect(basil.map((call) => call.method)).toEqual([
      'answerCallbackQuery',
      'editMessageReplyMarkup',
    ]);
    expect(buttonsOf(basil[1]).map(([label]) => label)).toEqual([
      'Cheese',
      'Olives',
      '✅ Basil',
      'Done (1)',
    ]);
    const cheese = await press(s, buttonData(basil[1], 'Cheese'));
    const edited = cheese[1];
    expect(buttonsOf(edited).map(([label]) => label)).toEqual([
      '✅ Cheese',
      'Olives',
      '✅ Basil',
      'Done (2)',
    ]);
    // Untoggling works from the edited keyboard too.
    const again = await press(s, buttonData(edited, '✅ Basil'));
    expect(buttonsOf(again[1]).map(([label]) => label)).toContain('Basil');
    const olives = await press(s, buttonData(again[1], 'Olives'));

    const done = await press(s, buttonData(olives[1], 'Done (2)'));
    expect(done.map((call) => call.method)).toEqual([
      'answerCallbackQuery',
      'editMessageReplyMarkup',
      'sendMessage',
    ]);
    expect(done[2]?.payload.text).toBe('Toppings: cheese + olives.');
    expect(s.received.at(-1)).toEqual({ choices: ['cheese', 'olives'] });
  });

  it('should send a picture as a photo, with the text as its caption', async () => {
    const s = setup();
    const chart = await say(s, 'chart');
    expect(chart.map((call) => call.method)).toEqual(['sendPhoto']);
    expect(chart[0]?.payload.caption).toBe('Your chart');
    const photo = chart[0]?.raw.photo;
    expect(photo).toBeInstanceOf(InputFile);
    expect((photo as InputFile).filename).toBe('chart.png');

    // Text too long for a caption goes first; the buttons go on the last message.
    const long = await say(s, 'long chart');
    expect(long.map((call) => call.method)).toEqual(['sendMessage', 'sendPhoto']);
    expect(long[0]?.payload.text).toHaveLength(1500);
    expect(long[0]?.payload.reply_markup).toBeUndefined();
    expect(long[1]?.payload.caption).toBeUndefined();
    expect(buttonsOf(long[1]).map(([label]) => label)).toEqual(['Again']);
  });

  it('should download a document, hand its bytes to the host and send its file back as a document', async () => {
    const s = setup();
    const bytes = new TextEncoder().encode('a,b\n1,2\n');
    s.files.set('documents/BQACAgQAAxkBAAIC01.csv', bytes);
    const calls = await callsDuring(s, () =>
      s.bot.handleUpdate(documentUpdate('tiny.csv', 'BQACAgQAAxkBAAIC01', bytes.byteLength)),
    );
    expect(calls.map((call) => call.method)).toEqual(['getFile', 'sendDocument']);
    expect(calls[1]?.payload.caption).toBe('Got tiny.csv (8 bytes, text/csv).');
    const document = calls[1]?.raw.document as InputFile;
    expect(document).toBeInstanceOf(InputFile);
    expect(document.filename).toBe('echo-tiny.csv');
    const received = s.received[0];
    expect(received !== undefined && 'file' in received ? received.file.bytes : undefined).toEqual(
      bytes,
    );
  });

  it('should refuse a document over maxFileBytes before downloading it, naming it', async () => {
    const s = setup();
    const calls = await callsDuring(s, () =>
      s.bot.handleUpdate(documentUpdate('huge.csv', 'BQACAgQAAxkBAAIC02', 25 * 2 ** 20)),
    );
    expect(calls.map((call) => call.method)).toEqual(['sendMessage']);
    expect(calls[0]?.payload.text).toBe('That file is too large: I can take files up to 20 MB.');
    expect(s.received).toEqual([]);
  });

  it('should refuse a button once the session moved to another step', async () => {
    const s = setup();
    const offered = (await say(s, 'colour'))[0];
    const toppings = (await say(s, 'toppings'))[0];
    await say(s, 'train');
    for (const data of [buttonData(offered, 'Red'), buttonData(toppings, 'Olives')]) {
      const stale = await press(s, data);
      expect(stale).toEqual([
        expect.objectContaining({
          method: 'answerCallbackQuery',
          payload: expect.objectContaining({ text: 'That button belongs to an earlier step.' }),
        }),
      ]);
    }
    expect(s.received).toEqual([{ text: 'colour' }, { text: 'toppings' }, { text: 'train' }]);
  });

  it("should give the host each update's id, so that a step it passes the id to is taken once", async () => {
    const s = setup();
    const started: string[] = [];
    const stop = s.runtime.on('workflow.started', (event) => started.push(event.workflow));
    try {
      const update = textUpdate('train');
      const first = await callsDuring(s, () => s.bot.handleUpdate(update));
      const again = await callsDuring(s, () => s.bot.handleUpdate(update));
      expect(s.messageIds).toEqual([update.update_id, update.update_id]);
      expect(first.at(-1)?.payload.text).toBe('Please upload a CSV or Excel file with your data.');
      expect(again.at(-1)?.payload.text).toBe(
        'Already started. Please upload a CSV or Excel file with your data.',
      );
      expect(started).toEqual(['ml_training']);
    } finally {
      stop();
    }
  });

  it('should read the session for its buttons only when a reply has buttons', async () => {
    const operations: string[] = [];
    const store = instrumentStore(createMemoryStore(), ({ operation }) => {
      operations.push(operation);
    });
    const clock = { now: Date.UTC(2026, 0, 5, 9) };
    const s = setup({ runtime: createRuntime({ workflows, store, now: () => clock.now }), clock });
    const during = async (run: () => Promise<unknown>) => {
      const from = operations.length;
      await run();
      await s.chatflow.idle();
      return operations.slice(from);
    };
    await say(s, 'hello');
    // The host answers "hi" without touching the runtime: the update costs the session alone.
    const plain = await during(() => say(s, 'hi'));
    const sessionAlone = await during(() => s.runtime.getOrCreateSession(key));
    expect(plain).toEqual(sessionAlone);
    expect((await say(s, 'colour'))[0]?.payload.text).toBe('Pick a colour');
  });

  it('should read value buttons after a restart and say when a multi-select was forgotten', async () => {
    const first = setup();
    const offered = (await say(first, 'colour'))[0];
    const toppings = (await say(first, 'toppings'))[0];
    // A new middleware on the same runtime: what the first one remembered is gone.
    const second = setup({ runtime: first.runtime, clock: first.clock });
    const red = await press(second, buttonData(offered, 'Red'));
    expect(red.at(-1)?.payload.text).toBe('You chose red.');
    const toggle = await press(second, buttonData(toppings, 'Olives'));
    expect(toggle).toEqual([
      expect.objectContaining({
        method: 'answerCallbackQuery',
        payload: expect.objectContaining({
          text: 'That button has expired: please answer by typing, or send /status.',
        }),
      }),
    ]);
  });

  it('should push replies nobody asked for after the reply in progress, in the same line', async () => {
    const s = setup();
    const slow = s.bot.handleUpdate(textUpdate('slow'));
    // Wait until the host is working on it.
    await expect.poll(() => s.received.length).toBe(1);
    const pushed = s.chatflow.push(key, [{ text: 'Training finished', choices: [] }]);
    s.release();
    await Promise.all([slow, pushed]);
    const texts = s.calls.map((call) => call.payload.text);
    expect(texts).toEqual(['Slow answer', 'Training finished']);

    const later = await callsDuring(s, () =>
      s.chatflow.push(key, [
        { text: 'Your chart', image: { name: 'chart.png', bytes: png } },
        { text: 'Next?', choices: [{ label: 'Red', value: 'red' }] },
      ]),
    );
    expect(later.map((call) => [call.method, call.payload.chat_id])).toEqual([
      ['sendPhoto', adaChat.id],
      ['sendMessage', adaChat.id],
    ]);
    // A pushed button is read like any other.
    const red = await press(s, buttonData(later[1], 'Red'));
    expect(red.at(-1)?.payload.text).toBe('You chose red.');
  });

  it('should put the recovered notice at the head of the first reply', async () => {
    const s = setup();
    await say(s, 'train');
    s.clock.now += 32 * 60_000; // past the 30 minute timeout, within the 5 minute grace
    const back = await say(s, 'colour');
    expect(back[0]?.payload.text).toBe(
      'Welcome back: your session was restored where you left off.\n\nPick a colour',
    );
    expect(buttonsOf(back[0]).map(([label]) => label)).toEqual(['Red', 'Long one']);
    expect((await s.runtime.getSession(key))?.workflow?.state).toBe('awaiting_data');
  });

  it('should answer /forget, /status and /cancel itself, and hand other commands to the host', async () => {
    const s = setup();
    await say(s, 'train');
    const status = await say(s, '/status');
    expect(status[0]?.payload.text).toMatch(/^Running: Train a model, step "awaiting data"/);
    const cancel = await say(s, '/cancel');
    expect(cancel[0]?.payload.text).toBe('Cancelled "Train a model".');
    const forget = await say(s, '/forget');
    expect(forget[0]?.payload.text).toBe(
      'Done: I deleted 1 session(s) and 0 data file(s) of yours.',
    );
    expect(await s.runtime.getSession(key)).toBeUndefined();
    const other = await say(s, '/weather today');
    expect(other[0]?.payload.text).toBe('You said: /weather today');
    expect(s.received).toEqual([{ text: 'train' }, { text: '/weather today' }]);
    expect(s.chatflow.commands.map(({ command }) => command)).toEqual([
      'status',
      'cancel',
      'forget',
      'help',
    ]);
  });

  it('should not cancel the workflow started after a /cancel that comes again', async () => {
    const s = setup();
    await say(s, 'train');
    const cancel = textUpdate('/cancel');
    await callsDuring(s, () => s.bot.handleUpdate(cancel));
    await say(s, 'train');
    const again = await callsDuring(s, () => s.bot.handleUpdate(cancel));
    expect(again[0]?.payload.text).toBe('There is nothing to cancel.');
    expect((await s.runtime.getSession(key))?.workflow?.type).toBe('ml_training');
  });

  it('should record a message delivered again, and the same reply to it, once in the history', async () => {
    const s = setup({ history: true });
    const colour = textUpdate('colour');
    await callsDuring(s, () => s.bot.handleUpdate(colour));
    await callsDuring(s, () => s.bot.handleUpdate(colour));
    await say(s, 'colour');
    const history = await s.runtime.getHistory(key, 10);
    const id = String(colour.update_id);
    expect(history.map((message) => [message.role, message.text, message.messageId])).toEqual([
      ['user', 'colour', id],
      ['assistant', 'Pick a colour', id],
      ['user', 'colour', expect.not.stringMatching(`^${id}$`)],
      ['assistant', 'Pick a colour', expect.not.stringMatching(`^${id}$`)],
    ]);
  });

  it("should hand the host the commands it names and list them, and leave another bot's commands alone", async () => {
    const s = setup({
      hostCommands: [
        { command: 'colour', description: 'pick a colour' },
        { command: 'help', description: 'what I do' },
      ],
    });
    const passed: string[] = [];
    s.bot.on('message:text', (ctx) => {
      passed.push(ctx.message.text);
    });
    const help = await say(s, '/help');
    expect(help[0]?.payload.text).toBe('You said: /help');
    expect(await say(s, '/status@some_other_bot')).toEqual([]);
    expect(passed).toEqual(['/status@some_other_bot']);
    expect(s.chatflow.commands).toEqual([
      { command: 'colour', description: 'pick a colour' },
      { command: 'help', description: 'what I do' },
      { command: 'status', description: 'where am I?' },
      { command: 'cancel', description: 'stop the current job' },
      { command: 'forget', description: 'delete everything about me' },
    ]);
  });
});
