import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bool, Float64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { expect } from 'vitest';
import { AnalyticsError } from '../../src/analytics/AnalyticsError.ts';
import { createRng } from '../../src/analytics/createRng.ts';
import { ingestCsv } from '../../src/analytics/ingestCsv.ts';

/** The bytes of a file of `examples/stats-bot/data`. */
export function dataFile(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../data/${name}`, import.meta.url)));
}

/** The houses sample as a table (regression: price from area, rooms, age, garden, city). */
export function housesTable(): Table {
  return ingestCsv(dataFile('houses.csv'), { name: 'houses.csv' }).table;
}

/** The customers sample as a table (classification: churned yes/no, 6 incomplete rows). */
export function customersTable(): Table {
  return ingestCsv(dataFile('customers.csv'), { name: 'customers.csv' }).table;
}

export const houseFeatures = ['area_m2', 'rooms', 'age_years', 'garden', 'city'];
export const customerFeatures = [
  'customer_age',
  'tenure_months',
  'monthly_charges',
  'contract',
  'support_calls',
  'has_partner',
];

/** Builds a table from plain columns: numbers as Float64, strings as Utf8, booleans as Bool. */
export function tableOf(columns: Record<string, (number | string | boolean | null)[]>): Table {
  const vectors = Object.fromEntries(
    Object.entries(columns).map(([name, values]) => {
      const sample = values.find((value) => value !== null);
      const type =
        typeof sample === 'string'
          ? new Utf8()
          : typeof sample === 'boolean'
            ? new Bool()
            : new Float64();
      return [name, vectorFromArray(values as never[], type)];
    }),
  );
  return new Table(vectors);
}

/** `y = 3·x1 - 2·x2 + 5 + noise(sd)` on `n` rows with x1, x2 uniform in [0, 10). */
export function linearTable(n: number, seed: number, noiseSd: number): Table {
  const rng = createRng(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const a = rng.next() * 10;
    const b = rng.next() * 10;
    x1.push(a);
    x2.push(b);
    y.push(3 * a - 2 * b + 5 + rng.normal(0, noiseSd));
  }
  return tableOf({ x1, x2, y });
}

/** Three well separated clusters in the plane, labelled `red`, `green`, `blue`. */
export function clusterTable(perClass: number, seed: number): Table {
  const rng = createRng(seed);
  const centers = { red: [0, 0], green: [6, 0], blue: [3, 5] } as const;
  const x: number[] = [];
  const y: number[] = [];
  const colour: string[] = [];
  for (const [label, [cx, cy]] of Object.entries(centers)) {
    for (let i = 0; i < perClass; i += 1) {
      x.push(cx + rng.normal(0, 1.2));
      y.push(cy + rng.normal(0, 1.2));
      colour.push(label);
    }
  }
  return tableOf({ x, y, colour });
}

/** Runs `run`, expects it to throw an {@link AnalyticsError}, and returns the error. */
export function analyticsError(run: () => unknown): AnalyticsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AnalyticsError);
    return error as AnalyticsError;
  }
  throw new Error('expected an AnalyticsError');
}
