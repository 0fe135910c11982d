import { workflows } from '@chatflow/machines';
import { createRuntime } from '@chatflow/runtime';
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  AnalyticsErrorCode,
  IngestError,
  type IngestResult,
  ingestCsv,
  ingestFile,
} from '../../../examples/stats-bot/src/analytics/index.ts';
import { watchPrototypes } from '../src/prototypeGuard.ts';
import { seedFromEnv } from '../src/seededRandom.ts';

const seed = seedFromEnv('CHATFLOW_CSV_SEED');
const runs = Number(process.env.CHATFLOW_CSV_RUNS ?? 1000);

/** Ingests and returns the result or the thrown error, whatever it is. */
function attempt(bytes: Uint8Array | string, maxBytes?: number): IngestResult | unknown {
  try {
    return ingestCsv(bytes, {
      name: 'upload.csv',
      ...(maxBytes === undefined ? {} : { maxBytes }),
    });
  } catch (error) {
    return error;
  }
}

/** A table the workflows can take, or a clear IngestError: nothing else. */
function expectTableOrClearError(outcome: unknown): 'table' | string {
  if (outcome instanceof IngestError) {
    expect(Object.values(AnalyticsErrorCode)).toContain(outcome.code);
    expect(outcome.message.length).toBeGreaterThan(10);
    expect(outcome.message.length).toBeLessThan(2000);
    return outcome.code;
  }
  const result = outcome as IngestResult;
  expect(result.table, String(outcome)).toBeDefined();
  expect(result.rowCount).toBeGreaterThanOrEqual(1);
  expect(result.columns.length).toBeGreaterThanOrEqual(2);
  expect(new Set(result.columns.map((column) => column.name)).size).toBe(result.columns.length);
  expect(result.table.numRows).toBe(result.rowCount);
  return 'table';
}

const encode = (text: string) => new TextEncoder().encode(text);

describe('CSV ingest on hostile files', () => {
  it.each<[string, Uint8Array | string, string, number?]>([
    ['empty', new Uint8Array(0), AnalyticsErrorCode.EMPTY_FILE],
    [
      'binary with NUL bytes',
      Uint8Array.from([0x50, 0x4b, 0, 0, 0xff, 0xfe, 0, 1]),
      AnalyticsErrorCode.BINARY_FILE,
    ],
    [
      'invalid UTF-8',
      Uint8Array.from([0x61, 0x2c, 0x62, 0x0a, 0xc3, 0x28, 0x2c, 0x31]),
      AnalyticsErrorCode.BINARY_FILE,
    ],
    ['ragged', 'a,b,c\n1,2,3\n4,5\n6,7,8\n', AnalyticsErrorCode.RAGGED_ROWS],
    ['one column', 'price\n1\n2\n3\n', AnalyticsErrorCode.SINGLE_COLUMN],
    ['an unclosed quote', 'a,b\n"1,2\n3,4\n', AnalyticsErrorCode.BAD_QUOTES],
    ['a quote inside a field', 'a,b\n1,2"x"y\n3,4\n', AnalyticsErrorCode.BAD_QUOTES],
    ['a header and no rows', 'a,b,c\n', AnalyticsErrorCode.NO_DATA_ROWS],
    ['over the size limit', `a,b\n${'1,2\n'.repeat(600)}`, AnalyticsErrorCode.FILE_TOO_LARGE, 1024],
  ])('should refuse a file that is %s with a clear IngestError', (_, input, code, maxBytes) => {
    const outcome = attempt(input, maxBytes);
    expect(outcome).toBeInstanceOf(IngestError);
    expect((outcome as IngestError).code).toBe(code);
    expect((outcome as IngestError).message).toContain('upload.csv');
  });

  it('should refuse a file one byte over the default 20 MB limit before parsing it', () => {
    const bytes = new Uint8Array(20 * 2 ** 20 + 1).fill(0x31);
    const outcome = attempt(bytes);
    expect(outcome).toBeInstanceOf(IngestError);
    expect((outcome as IngestError).code).toBe(AnalyticsErrorCode.FILE_TOO_LARGE);
  });

  it('should refuse files of other types and broken workbooks by name', async () => {
    const exe = await ingestFile(encode('MZ\u0090\u0000'), 'tool.exe').catch((error) => error);
    expect(exe).toBeInstanceOf(IngestError);
    expect(exe.code).toBe(AnalyticsErrorCode.UNSUPPORTED_FILE);
    const workbook = await ingestFile(encode('not a zip'), 'book.xlsx').catch((error) => error);
    expect(workbook).toBeInstanceOf(IngestError);
    expect(workbook.code).toBe(AnalyticsErrorCode.INVALID_WORKBOOK);
  });

  it('should read __proto__, constructor and prototype headers as plain columns, polluting nothing', () => {
    const changes = watchPrototypes();
    const outcome = attempt('__proto__,constructor,prototype,polluted\n1,2,3,4\n5,6,7,8\n');
    expect(expectTableOrClearError(outcome)).toBe('table');
    const result = outcome as IngestResult;
    expect(result.columns.map((column) => column.name)).toEqual([
      '__proto__',
      'constructor',
      'prototype',
      'polluted',
    ]);
    expect(changes()).toEqual([]);
  });

  it('should give a table or a clear IngestError for any bytes, and for any CSV-like text', () => {
    const changes = watchPrototypes();
    const outcomes = new Map<string, number>();
    const count = (kind: string) => outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    const field = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('"', '""', '"a"', 'a"b', '\n', '\r\n', ',', ';', '\t', '|', 'NA', ''),
      fc.double().map(String),
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'true',
        '2024-01-31',
        '🙂',
        '\u0000',
      ),
    );
    const csvText = fc
      .tuple(
        fc.constantFrom(',', ';', '\t', '|'),
        fc.array(fc.array(field, { minLength: 0, maxLength: 6 }), { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
      )
      .map(([separator, rows, newline]) => rows.map((row) => row.join(separator)).join(newline));
    // Rectangular CSV with quoted fields: mostly tables, with awkward names and values.
    const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
    const wellFormed = fc.integer({ min: 1, max: 5 }).chain((width) =>
      fc
        .tuple(
          fc.uniqueArray(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), field), {
            minLength: width,
            maxLength: width,
          }),
          fc.array(fc.array(field, { minLength: width, maxLength: width }), {
            minLength: 1,
            maxLength: 8,
          }),
        )
        .map(([header, rows]) =>
          [header, ...rows].map((row) => row.map(quote).join(',')).join('\n'),
        ),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 2048 }), csvText, csvText.map(encode), wellFormed),
        (input) => {
          count(expectTableOrClearError(attempt(input)));
        },
      ),
      { seed, numRuns: runs },
    );
    expect(changes()).toEqual([]);
    console.log('CSV inputs tried:', runs, JSON.stringify(Object.fromEntries(outcomes)));
    expect(outcomes.get('table') ?? 0).toBeGreaterThan(0);
  });

  it('should hand a runtime only tables it takes: a hostile file that ingests is a usable data set', async () => {
    const runtime = createRuntime({ workflows, logger: pino({ level: 'silent' }) });
    const key = { userId: 'csv-user', conversationId: 'csv-chat' };
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'data_exploration');
    const { table } = ingestCsv('__proto__;"a ""quoted"" name";🙂\n1;x;2024-01-31\n2;y;\n', {
      name: 'odd.csv',
    });
    const dataset = await runtime.storeData(key, table, { name: 'odd.csv' });
    const step = await runtime.send(key, { type: 'data.uploaded', dataset });
    expect(step.ok).toBe(true);
    expect((await runtime.getData(key))?.numRows).toBe(2);
    await runtime.shutdown();
  });
});
