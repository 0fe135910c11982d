import { describe, expect, it } from 'vitest';
import { IngestError } from '../../src/analytics/IngestError.ts';
import { ingestCsv } from '../../src/analytics/ingestCsv.ts';
import {
  type CsvCells,
  CsvSyntaxError,
  codesOf,
  isMissingText,
  isTrimSpace,
  numberOfText,
  parseCsv,
} from '../../src/analytics/parseCsv.ts';

/** The cells of every kept record, as texts. */
function records(cells: CsvCells): string[][] {
  return Array.from({ length: cells.rows }, (_, r) =>
    Array.from({ length: cells.width }, (_, j) => {
      const k = r * cells.width + j;
      const start = cells.extents[2 * k] as number;
      return start < 0
        ? (cells.specials[-start - 1] as string)
        : cells.text.slice(start, cells.extents[2 * k + 1]);
    }),
  );
}

const comma = { delimiter: ',', decimalComma: false } as const;

function syntaxError(text: string): CsvSyntaxError {
  try {
    parseCsv(text, comma);
  } catch (error) {
    expect(error).toBeInstanceOf(CsvSyntaxError);
    return error as CsvSyntaxError;
  }
  throw new Error('expected a CsvSyntaxError');
}

function ingestError(text: string | Uint8Array): IngestError {
  try {
    ingestCsv(text, { name: 'f.csv' });
  } catch (error) {
    expect(error).toBeInstanceOf(IngestError);
    return error as IngestError;
  }
  throw new Error('expected an IngestError');
}

describe('parseCsv', () => {
  it('should split quoted values holding separators, doubled quotes and line ends', () => {
    const cells = parseCsv('a,b\n"x, y","say ""hi"""\n"two\nlines",""\n', comma);
    expect(records(cells)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });

  it('should end records at CRLF, LF or CR, whichever comes first, and keep CRLF inside quotes', () => {
    expect(records(parseCsv('a,b\r\n1,"2\r\n3"\r\n4,5', comma))).toEqual([
      ['a', 'b'],
      ['1', '2\r\n3'],
      ['4', '5'],
    ]);
    expect(records(parseCsv('a,b\r1,2\r', comma))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    // Once LF ends records, a CR is a space around a value.
    expect(records(parseCsv('a,b\n1,2\r\n', comma))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('should trim values, keep empty fields and skip blank records', () => {
    const cells = parseCsv('  a , b ,\n\n , ,\n 1 ,, \u00a0x\u00a0\n', comma);
    expect(records(cells)).toEqual([
      ['a', 'b', ''],
      ['1', '', 'x'],
    ]);
    expect(Array.from(cells.filled)).toEqual([1, 1, 1]);
  });

  it('should read numbers on the way and count what is not one', () => {
    const cells = parseCsv('n,t\n1.5,x\n-2e3,NA\nNA,y\n?,x\n', comma);
    expect(cells.numbers[2]).toBe(1.5);
    expect(cells.numbers[4]).toBe(-2000);
    expect(Number.isNaN(cells.numbers[6])).toBe(true);
    expect(Array.from(cells.parsed)).toEqual([2, 0]);
    expect(Array.from(cells.odd)).toEqual([1, 3]);
    expect(cells.oddExamples).toEqual([['?'], ['x', 'y']]);
  });

  it('should count records of another width with the line of the first', () => {
    const cells = parseCsv('a,b\n1,2\n3\n"4\n",5,6\n7,8\n', comma);
    expect(cells.uneven).toEqual({ count: 2, line: 3, fields: 1 });
    expect(parseCsv('a,b\n1,2,3', comma).uneven).toEqual({ count: 1, line: 2, fields: 3 });
  });

  it('should name the line of misplaced quotes, counting lines as csv-parse does', () => {
    expect(syntaxError('a,b\n1"x",2\n')).toMatchObject({ code: 'INVALID_OPENING_QUOTE', line: 2 });
    expect(syntaxError('a,b\r\n"x"y,2\r\n')).toMatchObject({
      code: 'INVALID_CLOSING_QUOTE',
      line: 2,
    });
    expect(syntaxError('a,b\n"x" y,2\n')).toMatchObject({
      code: 'TEXT_AFTER_CLOSING_QUOTE',
      line: 2,
    });
    expect(syntaxError('a,b\n"x" "y",2\n')).toMatchObject({
      code: 'INVALID_OPENING_QUOTE',
      line: 2,
    });
    // The file ends on line 3; its last line end starts no line.
    expect(syntaxError('a,b\n"x\n1,2\n')).toMatchObject({ code: 'QUOTE_NOT_CLOSED', line: 3 });
    // A CRLF inside quotes counts as two lines, as csv-parse counts it.
    expect(syntaxError('a,b\r\n"x\r\ny"z,1\r\n')).toMatchObject({
      code: 'INVALID_CLOSING_QUOTE',
      line: 4,
    });
  });

  it('should let only spaces follow a quote reopened after an empty quoted value', () => {
    expect(records(parseCsv('a,b\n"" " ",1\n', comma))).toEqual([
      ['a', 'b'],
      ['', '1'],
    ]);
    expect(syntaxError('a,b\n"" "y",1\n')).toMatchObject({
      code: 'TEXT_AFTER_CLOSING_QUOTE',
      line: 2,
    });
  });

  it('should take a tab as the separator, not as a space to trim, when tabs separate', () => {
    const tabs = parseCsv('a\tb\tc\n\t2\t\n', { delimiter: '\t', decimalComma: false });
    expect(records(tabs)).toEqual([
      ['a', 'b', 'c'],
      ['', '2', ''],
    ]);
  });

  it('should start with no records for text without any', () => {
    const cells = parseCsv(' ,\n\n,,\n', comma);
    expect([cells.rows, cells.width, cells.uneven]).toEqual([0, 0, undefined]);
  });
});

describe('numberInRange', () => {
  const number = (text: string, decimalComma = false) => numberOfText(text, decimalComma);

  it('should give what Number gives for plain decimal numbers', () => {
    for (const text of [
      '0',
      '-0',
      '+7',
      '.5',
      '5.',
      '007',
      '3.14159',
      '-1.5e3',
      '2E-2',
      '0.1',
      '123456789012345',
      '1234567890123456789',
      '9007199254740993',
      '1.7976931348623157e308',
      '4.9e-324',
      '1e400',
      '1e-400',
      '0.1000000000000000055511151231257827',
      '1e22',
      '1e23',
      '123.456e-20',
    ]) {
      expect(Object.is(number(text), Number(text)), text).toBe(true);
    }
  });

  it('should read numbers longer than the fast path through Number, however long', () => {
    const long = `${'9'.repeat(5000)}.5`;
    expect(number(long)).toBe(Number(long));
    expect(number(`-${'1'.repeat(30)}e-10`)).toBe(Number(`-${'1'.repeat(30)}e-10`));
  });

  it('should refuse what is not a plain decimal number', () => {
    for (const text of ['', '-', '.', 'e5', '1e', '1e+', '1,000', '1.2.3', '0x10', 'Infinity']) {
      expect(number(text), text).toBeNaN();
    }
  });

  it('should read a decimal comma between digits only when asked', () => {
    expect(number('3,25', true)).toBe(3.25);
    expect(number('-3,25e2', true)).toBe(-325);
    expect(number('3,25')).toBeNaN();
    for (const text of ['3,', ',5', '1,2,3']) expect(number(text, true), text).toBeNaN();
  });
});

describe('missingInRange, codesOf and isTrimSpace', () => {
  it('should know the missing-value words in any case', () => {
    const missing = isMissingText;
    for (const text of ['', 'NA', 'na', 'N/A', 'n/a', 'null', 'NULL', 'NaN', 'nan', '-']) {
      expect(missing(text), text).toBe(true);
    }
    for (const text of ['n', 'nab', 'n-a', 'nil', '--', 'none', '0', 'nulls']) {
      expect(missing(text), text).toBe(false);
    }
  });

  it('should copy the UTF-16 units of short and long strings, lone surrogates included', () => {
    for (const text of ['', 'a,b', `${'x'.repeat(100)}\ud800🙂é\n`, 'é'.repeat(65)]) {
      const units = Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
      expect(Array.from(codesOf(text))).toEqual(units);
    }
  });

  it('should agree with String.prototype.trim on every UTF-16 unit', () => {
    const disagreeing: string[] = [];
    for (let c = 0; c < 0x10000; c += 1) {
      const trimmed = `${String.fromCharCode(c)}x`.trim() === 'x';
      if (isTrimSpace(c) !== trimmed) disagreeing.push(c.toString(16));
    }
    expect(disagreeing).toEqual([]);
  });
});

describe('ingestCsv edge cases', () => {
  it('should read quoted values, CRLF line ends and a BOM', () => {
    const bytes = new TextEncoder().encode(
      '\uFEFF"city","note"\r\n"Lyon, FR","a ""quoted""\r\nword"\r\nGraz,plain\r\n',
    );
    const { table, columns, rowCount } = ingestCsv(bytes, { name: 'q.csv' });
    expect(columns).toEqual([
      { name: 'city', type: 'string' },
      { name: 'note', type: 'string' },
    ]);
    expect(rowCount).toBe(2);
    expect(table.getChild('city')?.toArray()).toEqual(['Lyon, FR', 'Graz']);
    expect(table.getChild('note')?.get(0)).toBe('a "quoted"\r\nword');
  });

  it('should read empty fields as nulls in every type', () => {
    const { table } = ingestCsv('n,b,d,s\n1,yes,2024-01-01,x\n,,,\n3,,2024-01-03,\n4,no,,z\n', {
      name: 'e.csv',
    });
    expect(table.numRows).toBe(3);
    expect(table.getChild('n')?.toArray()).toEqual(Float64Array.from([1, 3, 4]));
    expect([...(table.getChild('b') ?? [])]).toEqual([true, null, false]);
    expect([...(table.getChild('d') ?? [])]).toEqual([
      Date.UTC(2024, 0, 1),
      Date.UTC(2024, 0, 3),
      null,
    ]);
    expect([...(table.getChild('s') ?? [])]).toEqual(['x', null, 'z']);
  });

  it('should refuse ragged rows naming the first line and how many differ', () => {
    const error = ingestError('a;b;c\r\n1;2;3\r\n4;5\r\n6;7;8;9\r\n');
    expect(error.code).toBe('RAGGED_ROWS');
    expect(error.line).toBe(3);
    expect(error.message).toBe(
      'Line 3 of "f.csv" has 2 fields but the first line has 3 (2 lines in all differ). Every line needs the same number of fields, separated by semicolons; a value that contains the separator must be in double quotes.',
    );
  });

  it('should refuse misplaced quotes with the line and the rule', () => {
    const error = ingestError('a,b\n1,2\n3,4"5"\n');
    expect(error.code).toBe('BAD_QUOTES');
    expect(error.line).toBe(3);
    expect(error.message).toBe(
      '"f.csv" has a double quote in the middle of a value on line 3. A value may be wrapped in double quotes ("like, this"), and a quote inside a quoted value is written twice ("").',
    );
    expect(error.cause).toBeInstanceOf(CsvSyntaxError);
  });

  it('should keep a numeric column with one odd value among 20 numbers, warning about it', () => {
    const values = Array.from({ length: 24 }, (_, i) => String(i * 1.5));
    values[7] = 'n.a.';
    const text = `x,y\n${values.map((v, i) => `${v},${i}`).join('\n')}\n`;
    const { table, columns, warnings } = ingestCsv(text, { name: 'o.csv' });
    expect(columns[0]).toEqual({ name: 'x', type: 'number' });
    expect(table.getChild('x')?.get(7)).toBeNull();
    expect(table.getChild('x')?.get(8)).toBe(12);
    expect(warnings).toEqual([
      'Column "x": 1 value that is not numbers ("n.a.") is treated as missing.',
    ]);
  });

  it('should make a short column with one non-number a text column', () => {
    const { columns, table } = ingestCsv('x,y\n1,a\n2,b\nthree,c\n', { name: 't.csv' });
    expect(columns[0]).toEqual({ name: 'x', type: 'string' });
    expect(table.getChild('x')?.toArray()).toEqual(['1', '2', 'three']);
  });

  it('should keep a named column of missing values as empty text, and drop an unnamed one', () => {
    const { columns, table, warnings } = ingestCsv('a,gone,b,\n1,NA,x,\n2,,y,\n', {
      name: 'm.csv',
    });
    expect(columns).toEqual([
      { name: 'a', type: 'number' },
      { name: 'gone', type: 'string' },
      { name: 'b', type: 'string' },
    ]);
    expect(table.getChild('gone')?.nullCount).toBe(2);
    expect(warnings).toEqual(['Column "gone" has no values; it is kept as an empty text column.']);
  });

  it('should read a column of "constructor" and "__proto__" as text, not booleans', () => {
    const { columns } = ingestCsv('a,b\nconstructor,1\n__proto__,2\n', { name: 'p.csv' });
    expect(columns[0]).toEqual({ name: 'a', type: 'string' });
  });

  it('should read lone surrogates of a string input as U+FFFD', () => {
    const { table } = ingestCsv('a,b\n\ud800x,1\n', { name: 's.csv' });
    expect(table.getChild('a')?.get(0)).toBe('\ufffdx');
  });
});
