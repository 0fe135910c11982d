/** The field separators a CSV file may use. */
export const csvDelimiters = [',', ';', '\t', '|'] as const;

/** One of {@link csvDelimiters}. */
export type CsvDelimiter = (typeof csvDelimiters)[number];

/** When several separators split every line evenly, the rarer-in-data one wins. */
const precedence: readonly CsvDelimiter[] = ['\t', ';', '|', ','];

/** How many records (lines outside quotes) are looked at. */
const sampleRecords = 50;

/**
 * Guesses the field separator of CSV text among comma, semicolon, tab and pipe. Counts
 * each candidate outside quoted fields on the first lines: a separator found the same
 * number of times (at least once) on every line is a match; between several matches, tab
 * beats semicolon beats pipe beats comma (commas also appear as decimal marks). When no
 * separator is even across lines, the one most frequent on the first line is chosen, so
 * that the uneven line is reported when the file is parsed.
 *
 * @example
 * ```ts
 * detectDelimiter('name;price\nLyon;3,5\n'); // ';'
 * ```
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = countPerRecord(text);
  const consistent = precedence.filter((delimiter) => {
    const perRecord = counts.get(delimiter) ?? [];
    const first = perRecord[0] ?? 0;
    return first > 0 && perRecord.every((count) => count === first);
  });
  const [best] = consistent;
  if (best !== undefined) return best;
  let chosen: CsvDelimiter = ',';
  let most = 0;
  for (const delimiter of csvDelimiters) {
    const first = counts.get(delimiter)?.[0] ?? 0;
    if (first > most) {
      most = first;
      chosen = delimiter;
    }
  }
  return chosen;
}

function countPerRecord(text: string): Map<CsvDelimiter, number[]> {
  const counts = new Map<CsvDelimiter, number[]>(csvDelimiters.map((d) => [d, []]));
  let current = new Map<string, number>();
  let quoted = false;
  let blank = true;
  let records = 0;
  const finish = () => {
    if (!blank) {
      for (const delimiter of csvDelimiters) {
        counts.get(delimiter)?.push(current.get(delimiter) ?? 0);
      }
      records += 1;
    }
    current = new Map();
    blank = true;
  };
  for (let i = 0; i < text.length && records < sampleRecords; i += 1) {
    const char = text[i] ?? '';
    if (char === '"') {
      quoted = !quoted;
      blank = false;
    } else if (!quoted && (char === '\n' || char === '\r')) {
      finish();
    } else if (!quoted && (csvDelimiters as readonly string[]).includes(char)) {
      current.set(char, (current.get(char) ?? 0) + 1);
      blank = false;
    } else if (char.trim() !== '') {
      blank = false;
    }
  }
  if (records < sampleRecords) finish();
  return counts;
}
