/**
 * Writes the sample data sets of the stats bot into `data/`, the same bytes on every run:
 *
 * - `houses.csv` (and `houses.xlsx`, the same rows in a workbook): 300 house sales whose
 *   price depends linearly on area, rooms, age, a garden and the city, plus noise. For
 *   regression.
 * - `customers.csv`: 300 customers of a subscription service and whether they churned,
 *   which depends on their support calls, tenure, charges, contract and partner, with a
 *   few missing values. For classification.
 *
 * Run with `npx tsx scripts/makeSampleData.ts` from `examples/stats-bot`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { createRng, type Rng } from '../src/analytics/createRng.ts';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const rowCount = 300;

type Row = Record<string, string | number>;

function pick<T>(rng: Rng, items: readonly { value: T; weight: number }[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let r = rng.next() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item.value;
  }
  return (items[items.length - 1] as { value: T }).value;
}

function makeHouses(): Row[] {
  const rng = createRng(20240601);
  const cityEffect: Record<string, number> = {
    Paris: 90000,
    Lyon: 30000,
    Nantes: 0,
    Lille: -10000,
  };
  const cities = [
    { value: 'Paris', weight: 3 },
    { value: 'Lyon', weight: 3 },
    { value: 'Nantes', weight: 2 },
    { value: 'Lille', weight: 2 },
  ];
  const firstDay = Date.UTC(2023, 0, 1);
  const rows: Row[] = [];
  for (let i = 0; i < rowCount; i += 1) {
    const area = 35 + rng.int(186);
    const rooms = Math.min(8, Math.max(1, Math.round(area / 30 + rng.normal(0, 0.7))));
    const age = rng.int(81);
    const garden = rng.next() < 0.35;
    const city = pick(rng, cities);
    const noise = rng.normal(0, 25000);
    const price =
      40000 +
      2800 * area +
      9000 * rooms -
      600 * age +
      (garden ? 15000 : 0) +
      (cityEffect[city] ?? 0) +
      noise;
    const listed = new Date(firstDay + rng.int(365) * 86_400_000).toISOString().slice(0, 10);
    rows.push({
      area_m2: area,
      rooms,
      age_years: age,
      garden: garden ? 'yes' : 'no',
      city,
      listed_on: listed,
      price: Math.round(price / 100) * 100,
    });
  }
  return rows;
}

function makeCustomers(): Row[] {
  const rng = createRng(20240602);
  const contractEffect: Record<string, number> = {
    'month-to-month': 1.2,
    'one-year': -0.6,
    'two-year': -1.8,
  };
  const contracts = [
    { value: 'month-to-month', weight: 5 },
    { value: 'one-year', weight: 3 },
    { value: 'two-year', weight: 2 },
  ];
  const rows: Row[] = [];
  for (let i = 0; i < rowCount; i += 1) {
    const age = 18 + rng.int(58);
    const tenure = 1 + rng.int(72);
    const charges = Math.round((20 + rng.next() * 100) * 100) / 100;
    const contract = pick(rng, contracts);
    let calls = 0;
    while (calls < 9 && rng.next() < 0.55) calls += 1;
    const partner = rng.next() < 0.45;
    const logit =
      1.5 *
      (1 +
        0.9 * calls -
        0.06 * tenure +
        0.03 * (charges - 70) +
        (contractEffect[contract] ?? 0) -
        (partner ? 0.5 : 0));
    const churned = rng.next() < 1 / (1 + Math.exp(-logit));
    rows.push({
      customer_age: age,
      tenure_months: tenure,
      monthly_charges: charges,
      contract,
      support_calls: calls,
      has_partner: partner ? 'yes' : 'no',
      churned: churned ? 'yes' : 'no',
    });
  }
  // A few missing values, as real exports have.
  for (const [row, column, token] of [
    [7, 'customer_age', ''],
    [58, 'customer_age', 'NA'],
    [121, 'monthly_charges', ''],
    [199, 'monthly_charges', 'N/A'],
    [240, 'contract', ''],
    [266, 'churned', ''],
  ] as const) {
    const target = rows[row];
    if (target !== undefined) target[column] = token;
  }
  return rows;
}

function toCsv(rows: readonly Row[]): string {
  const [first] = rows;
  if (first === undefined) return '';
  const columns = Object.keys(first);
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((column) => String(row[column] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the workbook with the clock frozen: the workbook's properties and the ZIP
 * entries carry timestamps, which would otherwise change the bytes on every run.
 */
async function toXlsx(rows: readonly Row[], sheetName: string): Promise<Uint8Array> {
  const fixed = Date.UTC(2024, 5, 1);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'chatflow stats-bot';
  workbook.created = new Date(fixed);
  workbook.modified = new Date(fixed);
  const sheet = workbook.addWorksheet(sheetName);
  const [first] = rows;
  if (first === undefined) return new Uint8Array();
  const columns = Object.keys(first);
  sheet.addRow(columns);
  for (const row of rows) {
    sheet.addRow(
      columns.map((column) => {
        const value = row[column];
        if (column === 'listed_on' && typeof value === 'string')
          return new Date(`${value}T00:00:00Z`);
        return value ?? null;
      }),
    );
  }
  const RealDate = globalThis.Date;
  class FrozenDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(fixed);
      else super(...(args as [number]));
    }
    static override now(): number {
      return fixed;
    }
  }
  globalThis.Date = FrozenDate as DateConstructor;
  try {
    return new Uint8Array(await workbook.xlsx.writeBuffer());
  } finally {
    globalThis.Date = RealDate;
  }
}

process.env.TZ = 'UTC';
const houses = makeHouses();
writeFileSync(join(dataDir, 'houses.csv'), toCsv(houses));
writeFileSync(join(dataDir, 'houses.xlsx'), await toXlsx(houses, 'houses'));
writeFileSync(join(dataDir, 'customers.csv'), toCsv(makeCustomers()));
console.log(`Wrote houses.csv, houses.xlsx and customers.csv to ${dataDir}`);
