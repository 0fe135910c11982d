/**
 * Scenario 7a: CSV to Arrow ingest throughput on a generated 100k x 10 file. The
 * chatflow side is the stats bot's own ingest (`examples/stats-bot/src/analytics/
 * ingestCsv.ts`: delimiter and header detection, type inference, checks, Arrow); the
 * baseline is a naive split-and-`Number` parse of the same text.
 */
import { parse } from 'csv-parse/sync';
import { csvParseIngest } from '../data/csvParseIngest.ts';
import { generateCsv } from '../data/generateCsv.ts';
import { naiveParse } from '../data/naiveParse.ts';
import { errorMessage, nowNs, repeatRoundRobin, secondsSince } from '../harness.ts';
import { ScenarioRecorder } from '../ScenarioRecorder.ts';
import { ratioTarget } from '../targets.ts';
import type { Scenario } from '../types.ts';

type Ingest = (text: string) => { numRows: number };

const botIngestUrl = new URL(
  '../../../examples/stats-bot/src/analytics/ingestCsv.ts',
  import.meta.url,
);

/** The bot's ingest as `text -> table`, or why it cannot be had. */
async function loadBotIngest(): Promise<
  { ok: true; ingest: Ingest } | { ok: false; reason: string }
> {
  try {
    const module = (await import(botIngestUrl.href)) as {
      ingestCsv?: (
        text: string,
        options: { name: string; maxBytes?: number },
      ) => { table: { numRows: number } };
    };
    const ingestCsv = module.ingestCsv;
    if (typeof ingestCsv !== 'function')
      return { ok: false, reason: 'ingestCsv.ts exports no ingestCsv' };
    return {
      ok: true,
      ingest: (text) => ingestCsv(text, { name: 'houses.csv', maxBytes: 2 ** 30 }).table,
    };
  } catch (error) {
    return { ok: false, reason: `stats-bot ingestCsv: ${errorMessage(error)}` };
  }
}

/** @see the file comment. */
export const csvIngestScenario: Scenario = {
  id: 'csv-ingest',
  title: 'CSV to Arrow ingest',
  async run(context) {
    const recorder = new ScenarioRecorder(this.id, this.title);
    const rows = context.quick ? 5_000 : 100_000;
    const text = generateCsv(rows);
    const megabytes = Buffer.byteLength(text) / 2 ** 20;
    recorder.parameters.rows = rows;
    recorder.parameters.columns = 10;
    recorder.parameters.fileMegabytes = Number(megabytes.toFixed(2));

    const bot = await loadBotIngest();
    let chatflowLabel = 'stats-bot ingestCsv (inference, checks, Arrow)';
    let chatflowIngest: Ingest;
    if (bot.ok) {
      chatflowIngest = bot.ingest;
    } else {
      chatflowLabel = 'csv-parse + tableFromArrays (stand-in: the bot ingest is not available)';
      chatflowIngest = csvParseIngest;
      recorder.note(
        `The chatflow side is csv-parse + Arrow tableFromArrays because ${bot.reason}.`,
      );
    }

    const timed = (parse: (text: string) => unknown) => async () => {
      const start = nowNs();
      const result = parse(text);
      const seconds = secondsSince(start);
      if (result === undefined) throw new Error('no result');
      return megabytes / seconds;
    };
    const variants: Record<string, () => Promise<number>> = { naive: timed(naiveParse) };
    if (bot.ok) variants.library = timed((csv) => parse(csv));
    variants.chatflow = timed(chatflowIngest);
    const { results, errors } = await repeatRoundRobin(variants, {
      warmup: context.warmup,
      repetitions: context.repetitions,
      only: context.variants,
    });
    if (results.naive) {
      recorder.measure(
        {
          id: 'naive.mbPerSecond',
          label: 'naive split + Number',
          side: 'baseline',
          unit: 'MB/s',
          better: 'higher',
        },
        results.naive,
      );
    } else recorder.unavailable('naive split + Number', errors.naive ?? 'no result');
    if (results.library) {
      recorder.measure(
        {
          id: 'library.mbPerSecond',
          label: 'csv-parse alone (fields as strings): the floor of any csv-parse ingest',
          side: 'baseline',
          unit: 'MB/s',
          better: 'higher',
        },
        results.library,
      );
    }
    if (results.chatflow) {
      recorder.measure(
        {
          id: 'chatflow.mbPerSecond',
          label: chatflowLabel,
          side: 'chatflow',
          unit: 'MB/s',
          better: 'higher',
        },
        results.chatflow,
      );
    } else recorder.unavailable(chatflowLabel, errors.chatflow ?? 'no result');

    recorder.target(
      ratioTarget({
        id: 'csv.vsNaive',
        label: 'ingest MB/s vs naive split + Number',
        chatflow: recorder.get('chatflow.mbPerSecond'),
        baseline: recorder.get('naive.mbPerSecond'),
        kind: 'atLeast',
        bound: 0.5,
        unavailableReason: recorder.reasonFor(chatflowLabel),
      }),
    );
    return recorder.result();
  },
};
