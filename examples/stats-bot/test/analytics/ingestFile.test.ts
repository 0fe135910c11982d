import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IngestError } from '../../src/analytics/IngestError.ts';
import { ingestFile } from '../../src/analytics/ingestFile.ts';

const dataFile = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../data/${name}`, import.meta.url)));
const csv = new TextEncoder().encode('a\tb\n1\t2\n');

describe('ingestFile', () => {
  it('should read .csv, .tsv and .txt files as CSV text', async () => {
    for (const name of ['d.csv', 'd.TSV', 'd.txt']) {
      const result = await ingestFile(csv, name);
      expect(result.name).toBe(name);
      expect(result.columns.map((c) => c.name)).toEqual(['a', 'b']);
    }
  });

  it('should read .xlsx files, and workbooks uploaded under a CSV name, as Excel', async () => {
    const workbook = dataFile('houses.xlsx');
    expect((await ingestFile(workbook, 'houses.xlsx')).rowCount).toBe(300);
    expect((await ingestFile(workbook, 'houses.csv')).rowCount).toBe(300);
  });

  it('should pass the size limit and the sheet on', async () => {
    await expect(ingestFile(csv, 'd.csv', { maxBytes: 4 })).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
    await expect(
      ingestFile(dataFile('houses.xlsx'), 'h.xlsx', { sheet: 'nope' }),
    ).rejects.toMatchObject({
      code: 'SHEET_NOT_FOUND',
    });
  });

  it('should refuse other files, listing what is accepted', async () => {
    for (const [name, hint] of [
      ['data.json', ''],
      ['old.xls', 'Old .xls workbooks'],
      ['README', 'no extension'],
    ] as const) {
      const attempt = ingestFile(csv, name);
      await expect(attempt).rejects.toBeInstanceOf(IngestError);
      await expect(attempt).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE', fileName: name });
      await expect(attempt).rejects.toThrow(
        'Accepted: CSV text (.csv, .tsv, .txt) or an Excel workbook (.xlsx).',
      );
      if (hint !== '') await expect(attempt).rejects.toThrow(hint);
    }
  });
});
