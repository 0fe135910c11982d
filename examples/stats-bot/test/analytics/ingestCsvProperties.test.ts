import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CsvDelimiter } from '../../src/analytics/detectDelimiter.ts';
import { IngestError } from '../../src/analytics/IngestError.ts';
import { ingestCsv } from '../../src/analytics/ingestCsv.ts';
import type { IngestResult } from '../../src/analytics/types.ts';
import { referenceIngestCsv } from './csvParseReference.ts';

/**
 * `ingestCsv` is held to what it gave when it read CSV with csv-parse
 * (`csvParseReference.ts`): the same table down to each cell, or the same error. Set
 * `CSV_PROPERTY_RUNS` to try more (or fewer) generated inputs per property.
 */

type Input = Uint8Array | string;
interface Options {
  name: string;
  delimiter?: CsvDelimiter;
}

/** Everything a caller can see of an ingest: the result down to each cell, or the error. */
function outcome(run: () => IngestResult) {
  try {
    const { name, columns, rowCount, warnings, table } = run();
    return {
      name,
      columns,
      rowCount,
      warnings,
      numRows: table.numRows,
      fields: table.schema.fields.map((field, j) => {
        const column = table.getChildAt(j);
        return {
          name: field.name,
          type: String(field.type),
          metadata: [...field.metadata],
          nullCount: column?.nullCount,
          cells: Array.from({ length: table.numRows }, (_, i) => column?.get(i)),
        };
      }),
    };
  } catch (error) {
    if (!(error instanceof IngestError)) throw error;
    return {
      error: error.name,
      code: error.code,
      message: error.message,
      line: error.line,
      fileName: error.fileName,
    };
  }
}

function expectSameAsCsvParse(input: Input, options: Options): void {
  const ours = outcome(() => ingestCsv(input, options));
  const theirs = outcome(() => referenceIngestCsv(input, options));
  expect(ours).toEqual(theirs);
}

const delimiters: CsvDelimiter[] = [',', ';', '\t', '|'];

/** Cells of one kind of column, as they would be written in a file. */
const numberText = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc
    .tuple(fc.integer({ min: -999, max: 999 }), fc.nat({ max: 99_999 }))
    .map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a},${b}`),
  fc.constantFrom(
    '.5',
    '5.',
    '+3',
    '-0',
    '1E5',
    '2e-3',
    '007',
    '123456789012345678',
    '0.1000000000000000055511151231257827',
    '1e400',
    '-1e-400',
    '9007199254740993',
    '1.7976931348623157e308',
    '4.9e-324',
  ),
);
const missingText = fc.constantFrom('', 'NA', 'n/a', 'NULL', 'NaN', '-', 'na', 'N/A', 'nan');
const booleanText = fc.constantFrom('true', 'FALSE', 'True', 'false');
const yesNoText = fc.constantFrom('yes', 'No', 'YES', 'no');
const dateText = fc.constantFrom(
  '2024-01-31',
  '2024/3/1',
  '2024-03-01 14:30',
  '2024-03-01T14:30:00.250Z',
  '2024-03-01T14:30+02:00',
  '1999-12-31 23:59:59',
);
const wordText = fc.oneof(
  fc.constantFrom(
    'Lyon',
    'a b',
    'x,y',
    'p;q',
    'say "hi"',
    'line\nbreak',
    'cr\r\nlf',
    'tab\there',
    '__proto__',
    'constructor',
    'null value',
    '2024-02-30',
    '12 kg',
    'Infinity',
    ' padded ',
    '\u00a0nbsp\u00a0',
    '🙂',
    'é',
  ),
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 4, unit: 'grapheme' }),
  fc.string({ maxLength: 4, unit: 'binary' }),
);
const oddText = fc.constantFrom('n.a.', '?', 'unknown', 'x', '1,000', '12 kg');

type Kind = 'number' | 'numberOdd' | 'boolean' | 'yesNo' | 'date' | 'dateOdd' | 'text' | 'mixed';
const kinds: Kind[] = [
  'number',
  'numberOdd',
  'boolean',
  'yesNo',
  'date',
  'dateOdd',
  'text',
  'mixed',
];

function cellArbitrary(kind: Kind): fc.Arbitrary<string> {
  const withMissing = (cells: fc.Arbitrary<string>) =>
    fc.oneof({ arbitrary: cells, weight: 8 }, { arbitrary: missingText, weight: 1 });
  switch (kind) {
    case 'number':
      return withMissing(numberText);
    case 'numberOdd':
      return fc.oneof(
        { arbitrary: numberText, weight: 30 },
        { arbitrary: missingText, weight: 2 },
        { arbitrary: oddText, weight: 1 },
      );
    case 'boolean':
      return withMissing(booleanText);
    case 'yesNo':
      return withMissing(yesNoText);
    case 'date':
      return withMissing(dateText);
    case 'dateOdd':
      return fc.oneof(
        { arbitrary: dateText, weight: 30 },
        { arbitrary: missingText, weight: 2 },
        { arbitrary: oddText, weight: 1 },
      );
    case 'text':
      return withMissing(wordText);
    case 'mixed':
      return fc.oneof(numberText, missingText, booleanText, dateText, wordText);
  }
}

/** How a cell is written: quoted when it must be (or at random), maybe with spaces around. */
const written = (delimiter: string) =>
  fc
    .tuple(
      fc.constantFrom('auto', 'auto', 'auto', 'always', 'never'),
      fc.constantFrom('', ' ', '  '),
    )
    .map(([quoting, pad]) => (cell: string) => {
      const needs = /["\r\n]/.test(cell) || cell.includes(delimiter);
      const quoted =
        quoting === 'always' || (quoting === 'auto' && needs)
          ? `"${cell.replaceAll('"', '""')}"`
          : cell;
      return `${pad}${quoted}${pad}`;
    });

/** A CSV file made of typed columns, a header or not, with the mishaps real files have. */
const csvFile = fc
  .record({
    delimiter: fc.constantFrom(...delimiters),
    kinds: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 5 }),
    rowCount: fc.nat({ max: 45 }),
    header: fc.constantFrom('names', 'names', 'none', 'odd'),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    trailingNewline: fc.boolean(),
    blankLines: fc.array(fc.nat({ max: 50 }), { maxLength: 2 }),
    ragged: fc.option(fc.tuple(fc.nat({ max: 50 }), fc.constantFrom(-1, 1)), { freq: 4 }),
    emptyTrailingColumn: fc.boolean(),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      names: fc.array(
        fc.oneof(
          fc.constantFrom('price', 'price', 'area', 'city', '', ' spaced  name ', 'x1'),
          wordText,
        ),
        { minLength: shape.kinds.length, maxLength: shape.kinds.length },
      ),
      rows: fc.array(fc.tuple(...shape.kinds.map(cellArbitrary)), {
        minLength: shape.rowCount,
        maxLength: shape.rowCount,
      }),
      write: fc.array(written(shape.delimiter), {
        minLength: shape.kinds.length,
        maxLength: shape.kinds.length,
      }),
    }),
  )
  .map(({ shape, names, rows, write }) => {
    const cellsOf = (row: readonly string[]) => {
      const cells = row.map((cell, j) => (write[j] ?? String)(cell));
      return shape.emptyTrailingColumn ? [...cells, ''] : cells;
    };
    const lines: string[][] = [];
    if (shape.header === 'names') lines.push(cellsOf(names));
    if (shape.header === 'odd') lines.push(cellsOf(names.map((name, j) => (j === 0 ? '1' : name))));
    for (const row of rows) lines.push(cellsOf(row));
    if (shape.ragged !== null && lines.length > 0) {
      const [at, change] = shape.ragged;
      const line = lines[at % lines.length] as string[];
      if (change > 0) line.push('extra');
      else line.pop();
    }
    const text = lines.map((line) => line.join(shape.delimiter));
    for (const at of shape.blankLines) text.splice(at % (text.length + 1), 0, '');
    return {
      text: text.join(shape.newline) + (shape.trailingNewline ? shape.newline : ''),
      delimiter: shape.delimiter,
    };
  });

/** Text from the characters that matter to a CSV parser, in any order. */
const soup = fc
  .array(
    fc.constantFrom(
      'a',
      'b c',
      '1',
      '2.5',
      '-3',
      '3,5',
      '1e3',
      'NA',
      'yes',
      'true',
      '2024-01-31',
      '"',
      '""',
      ',',
      ';',
      '\t',
      '|',
      ' ',
      '\n',
      '\r\n',
      '\r',
      '\f',
      '\v',
      '\u00a0',
      '\u2028',
      '🙂',
      '\ud800',
      '\ufeff',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

const encodings = fc.constantFrom('string', 'bytes', 'bom');
function encode(text: string, how: string): Input {
  if (how === 'string') return text;
  return new TextEncoder().encode(how === 'bom' ? `\ufeff${text}` : text);
}

describe('ingestCsv against csv-parse', () => {
  it('should give the same table or the same error on generated CSV files', () => {
    fc.assert(
      fc.property(csvFile, encodings, fc.boolean(), (file, how, given) => {
        expectSameAsCsvParse(encode(file.text, how), {
          name: 'gen.csv',
          ...(given ? { delimiter: file.delimiter } : {}),
        });
      }),
      { numRuns: Number(process.env.CSV_PROPERTY_RUNS ?? 1500) },
    );
  }, 120_000);

  it('should give the same cells or the same error on any mix of separators, quotes and line ends', () => {
    fc.assert(
      fc.property(soup, encodings, fc.option(fc.constantFrom(...delimiters)), (text, how, d) => {
        expectSameAsCsvParse(encode(text, how), {
          name: 'soup.csv',
          ...(d === null ? {} : { delimiter: d }),
        });
      }),
      { numRuns: Number(process.env.CSV_PROPERTY_RUNS ?? 3000) },
    );
  }, 120_000);

  it('should give the same result on text with columns of 20 and more values', () => {
    // Long columns decide the 5% tolerance of odd values in numbers and dates.
    const long = fc
      .tuple(
        fc.constantFrom<Kind>('numberOdd', 'dateOdd', 'number', 'date'),
        fc.constantFrom<Kind>('text', 'numberOdd', 'yesNo'),
        fc.integer({ min: 19, max: 60 }),
      )
      .chain(([a, b, count]) =>
        fc.array(fc.tuple(cellArbitrary(a), cellArbitrary(b)), {
          minLength: count,
          maxLength: count,
        }),
      );
    fc.assert(
      fc.property(long, fc.boolean(), (rows, header) => {
        const lines = rows.map(
          ([a, b]) => `"${a.replaceAll('"', '""')}","${b.replaceAll('"', '""')}"`,
        );
        if (header) lines.unshift('first,second');
        expectSameAsCsvParse(lines.join('\n'), { name: 'long.csv', delimiter: ',' });
      }),
      { numRuns: Number(process.env.CSV_PROPERTY_RUNS ?? 500) },
    );
  }, 120_000);
});
