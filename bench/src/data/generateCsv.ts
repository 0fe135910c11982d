/**
 * A deterministic CSV of house listings: ten columns (eight numeric, one text, one
 * boolean), as large as asked.
 */

/** Column names of the generated file, with how the naive parser reads each. */
export const csvColumns = [
  { name: 'id', kind: 'number' },
  { name: 'price', kind: 'number' },
  { name: 'area', kind: 'number' },
  { name: 'rooms', kind: 'number' },
  { name: 'age', kind: 'number' },
  { name: 'distance', kind: 'number' },
  { name: 'floor', kind: 'number' },
  { name: 'score', kind: 'number' },
  { name: 'city', kind: 'string' },
  { name: 'garden', kind: 'boolean' },
] as const;

const cities = ['Lyon', 'Porto', 'Graz', 'Turku', 'Ghent', 'Aarhus', 'Bergen', 'Brno'];

/** A small, seeded pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CSV text with a header and `rows` rows, the same for the same `seed`.
 *
 * @example
 * ```ts
 * const csv = generateCsv(100_000); // about 6 MB
 * ```
 */
export function generateCsv(rows: number, seed = 42): string {
  const next = random(seed);
  const lines: string[] = [csvColumns.map((c) => c.name).join(',')];
  for (let i = 0; i < rows; i++) {
    const area = 30 + next() * 170;
    lines.push(
      [
        i + 1,
        Math.round(area * (2500 + next() * 1500)),
        area.toFixed(1),
        1 + Math.floor(next() * 6),
        Math.floor(next() * 120),
        (next() * 25).toFixed(3),
        Math.floor(next() * 12),
        next().toFixed(6),
        cities[Math.floor(next() * cities.length)],
        next() < 0.4 ? 'true' : 'false',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
