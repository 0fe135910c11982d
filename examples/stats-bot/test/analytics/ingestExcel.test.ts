import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { IngestError } from '../../src/analytics/IngestError.ts';
import { ingestCsv } from '../../src/analytics/ingestCsv.ts';
import { ingestExcel } from '../../src/analytics/ingestExcel.ts';

const dataFile = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../data/${name}`, import.meta.url)));

async function workbookBytes(build: (workbook: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

async function ingestError(run: () => Promise<unknown>): Promise<IngestError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(IngestError);
    return error as IngestError;
  }
  throw new Error('expected an IngestError');
}

describe('ingestExcel', () => {
  it('should read the houses workbook into the same table as the houses CSV', async () => {
    const fromExcel = await ingestExcel(dataFile('houses.xlsx'), { name: 'houses.xlsx' });
    const fromCsv = ingestCsv(dataFile('houses.csv'), { name: 'houses.csv' });
    expect(fromExcel.columns).toEqual(fromCsv.columns);
    expect(fromExcel.rowCount).toBe(300);
    expect(fromExcel.table.toArray().map((row) => row.toJSON())).toEqual(
      fromCsv.table.toArray().map((row) => row.toJSON()),
    );
  });

  it('should keep spreadsheet types, formula results and rich text, with errors as missing', async () => {
    const bytes = await workbookBytes((workbook) => {
      const sheet = workbook.addWorksheet('Data');
      sheet.addRow(['when', 'amount', 'paid', 'label', 'double']);
      sheet.addRow([
        new Date(Date.UTC(2024, 0, 5)),
        12.5,
        true,
        'a',
        { formula: 'B2*2', result: 25 },
      ]);
      sheet.addRow([
        new Date(Date.UTC(2024, 0, 6)),
        { error: '#N/A' },
        false,
        { richText: [{ text: 'b' }, { text: 'c' }] },
        { formula: 'B3*2', result: 7 },
      ]);
      sheet.addRow([null, -3, null, { text: 'site', hyperlink: 'https://example.org' }, 'NA']);
    });
    const { table, columns, rowCount } = await ingestExcel(bytes, { name: 'typed.xlsx' });
    expect(rowCount).toBe(3);
    expect(columns).toEqual([
      { name: 'when', type: 'date' },
      { name: 'amount', type: 'number' },
      { name: 'paid', type: 'boolean' },
      { name: 'label', type: 'string' },
      { name: 'double', type: 'number' },
    ]);
    expect(table.getChild('when')?.get(1)).toBe(Date.UTC(2024, 0, 6));
    expect([0, 1, 2].map((i) => table.getChild('amount')?.get(i))).toEqual([12.5, null, -3]);
    expect([0, 1, 2].map((i) => table.getChild('label')?.get(i))).toEqual(['a', 'bc', 'site']);
    expect([0, 1, 2].map((i) => table.getChild('double')?.get(i))).toEqual([25, 7, null]);
  });

  it('should read the named sheet, and say which sheet it read when there are several', async () => {
    const bytes = await workbookBytes((workbook) => {
      workbook.addWorksheet('Notes').addRows([
        ['note', 'by'],
        ['hello', 'me'],
      ]);
      workbook.addWorksheet('Sales').addRows([
        ['region', 'total'],
        ['north', 10],
        ['south', 20],
      ]);
    });
    const first = await ingestExcel(bytes, { name: 'book.xlsx' });
    expect(first.columns.map((c) => c.name)).toEqual(['note', 'by']);
    expect(first.warnings[0]).toContain('"Notes"');
    const sales = await ingestExcel(bytes, { name: 'book.xlsx', sheet: 'sales' });
    expect(sales.columns).toEqual([
      { name: 'region', type: 'string' },
      { name: 'total', type: 'number' },
    ]);
  });

  it('should list the sheets when the named one is absent', async () => {
    const bytes = await workbookBytes((workbook) => {
      workbook.addWorksheet('Notes').addRow(['a', 'b']);
      workbook.addWorksheet('Sales').addRow(['a', 'b']);
    });
    const error = await ingestError(() => ingestExcel(bytes, { name: 'book.xlsx', sheet: 'Q3' }));
    expect(error.code).toBe('SHEET_NOT_FOUND');
    expect(error.message).toBe('"book.xlsx" has no sheet "Q3". Its sheets are: "Notes", "Sales".');
  });

  it('should refuse bytes that are not a workbook, an empty sheet, and a file over the limit', async () => {
    const text = await ingestError(() =>
      ingestExcel(new TextEncoder().encode('a,b\n1,2\n'), { name: 'x.xlsx' }),
    );
    expect(text.code).toBe('INVALID_WORKBOOK');
    expect(text.message).toContain('.xlsx');
    const brokenZip = await ingestError(() =>
      ingestExcel(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0]), { name: 'x.xlsx' }),
    );
    expect(brokenZip.code).toBe('INVALID_WORKBOOK');
    expect(brokenZip.cause).toBeDefined();
    const emptySheet = await workbookBytes((workbook) => {
      workbook.addWorksheet('Blank');
    });
    const empty = await ingestError(() => ingestExcel(emptySheet, { name: 'e.xlsx' }));
    expect(empty.code).toBe('EMPTY_FILE');
    expect(empty.message).toContain('"Blank"');
    const big = await ingestError(() =>
      ingestExcel(dataFile('houses.xlsx'), { name: 'houses.xlsx', maxBytes: 1024 }),
    );
    expect(big.code).toBe('FILE_TOO_LARGE');
    expect(big.message).toContain('the limit is 1 KB');
  });
});
