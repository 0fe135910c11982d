import type { Table } from 'apache-arrow';
import { booleanLabels, columnType, columnValues } from './analytics/columnAccess.ts';

function quoteField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes an Arrow table as CSV text (RFC 4180): a header row, then one line per row;
 * numbers at full precision, dates as ISO 8601 (`2024-03-01` or with the time),
 * yes/no columns with the words they were read with, missing values as empty fields.
 *
 * @example
 * ```ts
 * const csv = tableToCsv(result.table); // 'area_m2,predicted_price\n100,469800.5\n'
 * ```
 */
export function tableToCsv(table: Table): string {
  const names = table.schema.fields.map((field) => field.name);
  const columns = names.map((name) => {
    const type = columnType(table, name);
    const labels = type === 'boolean' ? booleanLabels(table, name) : undefined;
    return columnValues(table, name).map((value): string => {
      if (value === null) return '';
      if (type === 'date' && typeof value === 'number') {
        const iso = new Date(value).toISOString();
        return value % 86_400_000 === 0 ? iso.slice(0, 10) : iso;
      }
      if (typeof value === 'boolean' && labels) return value ? labels.true : labels.false;
      return quoteField(String(value));
    });
  });
  const lines = [names.map(quoteField).join(',')];
  for (let row = 0; row < table.numRows; row += 1) {
    lines.push(columns.map((values) => values[row] ?? '').join(','));
  }
  return `${lines.join('\n')}\n`;
}
