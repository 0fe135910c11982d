import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataType, tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { AnalyticsError } from '../../src/analytics/AnalyticsError.ts';
import { booleanLabels } from '../../src/analytics/columnAccess.ts';
import { IngestError } from '../../src/analytics/IngestError.ts';
import { ingestCsv } from '../../src/analytics/ingestCsv.ts';

const dataFile = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../data/${name}`, import.meta.url)));

function ingestError(run: () => unknown): IngestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toBeInstanceOf(AnalyticsError);
    return error as IngestError;
  }
  throw new Error('expected an IngestError');
}

describe('ingestCsv', () => {
  it('should read the houses sample into typed Arrow columns', () => {
    const result = ingestCsv(dataFile('houses.csv'), { name: 'houses.csv' });
    expect(result.name).toBe('houses.csv');
    expect(result.rowCount).toBe(300);
    expect(result.table.numRows).toBe(300);
    expect(result.warnings).toEqual([]);
    expect(result.columns).toEqual([
      { name: 'area_m2', type: 'number' },
      { name: 'rooms', type: 'number' },
      { name: 'age_years', type: 'number' },
      { name: 'garden', type: 'boolean' },
      { name: 'city', type: 'string' },
      { name: 'listed_on', type: 'date' },
      { name: 'price', type: 'number' },
    ]);
    const types = Object.fromEntries(result.table.schema.fields.map((f) => [f.name, f.type]));
    expect(DataType.isFloat(types.price)).toBe(true);
    expect(DataType.isBool(types.garden)).toBe(true);
    expect(DataType.isUtf8(types.city)).toBe(true);
    expect(DataType.isTimestamp(types.listed_on)).toBe(true);
    expect(result.table.getChild('listed_on')?.get(0)).toBe(Date.UTC(2023, 11, 28));
  });

  it('should read the missing values of the customers sample as nulls', () => {
    const { table } = ingestCsv(dataFile('customers.csv'), { name: 'customers.csv' });
    expect(table.getChild('customer_age')?.nullCount).toBe(2);
    expect(table.getChild('monthly_charges')?.nullCount).toBe(2);
    expect(table.getChild('contract')?.nullCount).toBe(1);
    expect(table.getChild('churned')?.nullCount).toBe(1);
    expect(booleanLabels(table, 'churned')).toEqual({ true: 'yes', false: 'no' });
  });

  it('should keep types and yes/no words through Arrow IPC', () => {
    const { table } = ingestCsv('a,b,c\n1,yes,2024-01-01\n2,no,2024-01-02\n', { name: 'x.csv' });
    const copy = tableFromIPC(tableToIPC(table));
    expect(copy.getChild('a')?.get(1)).toBe(2);
    expect(copy.getChild('b')?.get(0)).toBe(true);
    expect(booleanLabels(copy, 'b')).toEqual({ true: 'yes', false: 'no' });
    expect(copy.getChild('c')?.get(1)).toBe(Date.UTC(2024, 0, 2));
  });

  it('should treat empty, NA, N/A, null, NaN and - as missing', () => {
    const { table, columns } = ingestCsv('x,y\n1,a\n,b\nNA,c\nN/A,d\nnull,e\nNaN,f\n-,g\n2.5,h\n', {
      name: 'm.csv',
    });
    expect(columns[0]).toEqual({ name: 'x', type: 'number' });
    const x = table.getChild('x');
    expect(x?.nullCount).toBe(6);
    expect([x?.get(0), x?.get(7)]).toEqual([1, 2.5]);
  });

  it('should detect semicolons with decimal commas, tabs and pipes', () => {
    const semicolon = ingestCsv('price;area\n3,5;10\n-4,25;11\n', { name: 's.csv' });
    expect(semicolon.columns).toEqual([
      { name: 'price', type: 'number' },
      { name: 'area', type: 'number' },
    ]);
    expect(semicolon.table.getChild('price')?.get(1)).toBe(-4.25);
    const tab = ingestCsv('a\tb\n1\tx\n2\ty\n', { name: 't.tsv' });
    expect(tab.columns.map((c) => c.name)).toEqual(['a', 'b']);
    const pipe = ingestCsv('a|b\n1|x\n2|y\n', { name: 'p.txt' });
    expect(pipe.table.getChild('b')?.get(1)).toBe('y');
  });

  it('should generate column names when the first row is data', () => {
    const result = ingestCsv('1,2.5,x\n3,4,y\n', { name: 'n.csv' });
    expect(result.columns.map((c) => c.name)).toEqual(['column_1', 'column_2', 'column_3']);
    expect(result.rowCount).toBe(2);
    expect(result.warnings[0]).toContain('No header row');
  });

  it('should recognise a header over text columns when its values do not repeat', () => {
    const withHeader = ingestCsv('city,country\nLyon,France\nParis,France\n', { name: 'h.csv' });
    expect(withHeader.columns.map((c) => c.name)).toEqual(['city', 'country']);
    expect(withHeader.rowCount).toBe(2);
    const without = ingestCsv('Lyon,France\nParis,France\n', { name: 'h.csv' });
    expect(without.columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
    expect(without.rowCount).toBe(2);
  });

  it('should trim, fill in and de-duplicate header names', () => {
    const result = ingestCsv(' price , price,,price_2\n1,2,3,4\n', { name: 'd.csv' });
    expect(result.columns.map((c) => c.name)).toEqual(['price', 'price_3', 'column_3', 'price_2']);
    expect(result.warnings.join(' ')).toContain('renamed');
  });

  it('should drop an unnamed empty column left by trailing separators', () => {
    const result = ingestCsv('a,b,\n1,2,\n3,4,\n', { name: 't.csv' });
    expect(result.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('should read quoted values with separators, quotes and line breaks, CRLF and a BOM', () => {
    const text = '\uFEFFname,note\r\n"Smith, J","said ""hi""\r\nthen left"\r\nDoe,plain\r\n';
    const { table, rowCount } = ingestCsv(new TextEncoder().encode(text), { name: 'q.csv' });
    expect(rowCount).toBe(2);
    expect(table.schema.fields[0]?.name).toBe('name');
    expect(table.getChild('name')?.get(0)).toBe('Smith, J');
    expect(table.getChild('note')?.get(0)).toBe('said "hi"\r\nthen left');
  });

  it('should skip blank lines', () => {
    const result = ingestCsv('a,b\n\n1,2\n   \n,\n3,4\n\n', { name: 'b.csv' });
    expect(result.rowCount).toBe(2);
  });

  it('should refuse an empty file', () => {
    for (const input of ['', '   \n\n', new Uint8Array()]) {
      const error = ingestError(() => ingestCsv(input, { name: 'e.csv' }));
      expect(error.code).toBe('EMPTY_FILE');
      expect(error.name).toBe('IngestError');
      expect(error.fileName).toBe('e.csv');
      expect(error.message).toContain('"e.csv" is empty');
    }
  });

  it('should refuse binary data and text that is not UTF-8', () => {
    const nul = ingestError(() => ingestCsv(new Uint8Array([0x61, 0x00, 0x62]), { name: 'b.csv' }));
    expect(nul.code).toBe('BINARY_FILE');
    expect(nul.message).toContain('UTF-8');
    const latin1 = ingestError(() =>
      ingestCsv(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0xe9, 0x2c, 0x31]), { name: 'l.csv' }),
    );
    expect(latin1.code).toBe('BINARY_FILE');
    expect(latin1.cause).toBeInstanceOf(TypeError);
    const zip = ingestError(() =>
      ingestCsv(new Uint8Array([0x50, 0x4b, 3, 4, 1]), { name: 'z.csv' }),
    );
    expect(zip.code).toBe('BINARY_FILE');
    expect(zip.message).toContain('.xlsx');
  });

  it('should name the line of a row with a different number of fields', () => {
    const error = ingestError(() => ingestCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n', { name: 'r.csv' }));
    expect(error.code).toBe('RAGGED_ROWS');
    expect(error.line).toBe(3);
    expect(error.message).toContain('Line 3');
    expect(error.message).toContain('has 2 fields but the first line has 3');
    expect(error.message).toContain('commas');
  });

  it('should explain misplaced quotes', () => {
    const unclosed = ingestError(() => ingestCsv('a,b\n"x,1\n2,3\n', { name: 'q.csv' }));
    expect(unclosed.code).toBe('BAD_QUOTES');
    expect(unclosed.message).toContain('never closed');
    expect(unclosed.message).toContain('written twice');
    const middle = ingestError(() => ingestCsv('a,b\n1"x",2\n', { name: 'q.csv' }));
    expect(middle.code).toBe('BAD_QUOTES');
    expect(middle.line).toBe(2);
    expect(middle.message).toContain('on line 2');
    const after = ingestError(() => ingestCsv('a,b\n"x"y,2\n', { name: 'q.csv' }));
    expect(after.code).toBe('BAD_QUOTES');
    expect(after.message).toContain('after the closing quote');
    expect(after.cause).toBeInstanceOf(Error);
  });

  it('should refuse a single column', () => {
    const error = ingestError(() => ingestCsv('price\n1\n2\n', { name: 'one.csv' }));
    expect(error.code).toBe('SINGLE_COLUMN');
    expect(error.message).toContain('need at least two columns');
  });

  it('should refuse a file over the size limit, naming the size and the limit', () => {
    const text = `a,b\n${'1,2\n'.repeat(600)}`;
    const error = ingestError(() => ingestCsv(text, { name: 'big.csv', maxBytes: 1024 }));
    expect(error.code).toBe('FILE_TOO_LARGE');
    expect(error.message).toBe(
      '"big.csv" is 2.3 KB; the limit is 1 KB. Please send a smaller file (fewer rows or columns).',
    );
    expect(ingestCsv(text, { name: 'big.csv', maxBytes: 4096 }).rowCount).toBe(600);
  });

  it('should refuse a header without data rows', () => {
    const error = ingestError(() => ingestCsv('area,price\n', { name: 'h.csv' }));
    expect(error.code).toBe('NO_DATA_ROWS');
    expect(error.message).toContain('area, price');
  });
});
