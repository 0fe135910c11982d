/** Options of {@link formatTable}. */
export interface FormatTableOptions {
  /**
   * Longest cell, in characters; longer ones are cut with `…`.
   * @default 20
   */
  maxCellWidth?: number;
}

const numeric = /^[-+]?(?:[\d.]+(?:e-?\d+)?%?|—|∞|-∞|< ?[\d.]+)$/;

/**
 * Lays rows out as an aligned plain-text table for a monospaced chat block: a header
 * line, a rule, then one line per row; numbers are aligned right, text left.
 *
 * @example
 * ```ts
 * formatTable(['column', 'mean'], [['price', '312000'], ['area', '98.5']]);
 * // column    mean
 * // ------  ------
 * // price   312000
 * // area      98.5
 * ```
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: FormatTableOptions = {},
): string {
  const maxWidth = options.maxCellWidth ?? 20;
  const cut = (text: string) =>
    text.length > maxWidth ? `${text.slice(0, Math.max(maxWidth - 1, 1))}…` : text;
  const head = headers.map(cut);
  const body = rows.map((row) => headers.map((_, j) => cut(row[j] ?? '')));
  const widths = head.map((title, j) =>
    Math.max(title.length, ...body.map((row) => (row[j] ?? '').length)),
  );
  const rightAligned = head.map(
    (_, j) => body.length > 0 && body.every((row) => numeric.test(row[j] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, j) =>
        rightAligned[j] ? cell.padStart(widths[j] ?? 0) : cell.padEnd(widths[j] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
