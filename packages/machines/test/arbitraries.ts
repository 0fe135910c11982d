import fc from 'fast-check';
import type { ColumnType, DatasetInfo } from '../src/types.ts';

/** Column names the generated data sets draw from, including names that live on `Object.prototype`. */
export const columnPool = [
  'price',
  'rooms',
  'area',
  'city',
  'sold',
  '__proto__',
  'constructor',
  'toString',
] as const;

/** A 10 KB string: no message may echo it whole. */
export const hugeString = 'x'.repeat(10_240);

const columnType = fc.constantFrom<ColumnType>('number', 'string', 'boolean', 'date');

function columnsArb(minLength: number, maxLength: number) {
  return fc.uniqueArray(fc.record({ name: fc.constantFrom(...columnPool), type: columnType }), {
    selector: (column) => column.name,
    minLength,
    maxLength,
  });
}

/** Small well-formed data sets: up to six distinct columns of the pool, 0 to 500 rows. */
export const datasetArb: fc.Arbitrary<DatasetInfo> = fc.record({
  id: fc.constantFrom('ds-1', 'ds-2'),
  name: fc.constantFrom('houses.csv', 'survey.xlsx'),
  columns: fc.oneof(
    { arbitrary: columnsArb(2, 6), weight: 5 },
    { arbitrary: columnsArb(0, 1), weight: 1 },
  ),
  rowCount: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 500 }), weight: 5 },
    { arbitrary: fc.constant(0), weight: 1 },
  ),
});

/** Values that belong nowhere in a payload: wrong types, prototype tricks, huge strings, anything. */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    42,
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    null,
    undefined,
    true,
    '',
    hugeString,
    '__proto__',
    'constructor',
    'toString',
    [],
    [1, 2, 3],
    [hugeString],
    {},
    JSON.parse('{"__proto__": {"name": "price", "type": "number"}}'),
    JSON.parse('{"__proto__": "price"}'),
    { toString: () => 'price' },
    Object.create(null),
  ),
  fc.anything({
    withNullPrototype: true,
    withBigInt: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withSparseArray: true,
    maxDepth: 2,
  }),
);

/** Data set descriptions that are not well-formed. */
export const malformedDatasetArb: fc.Arbitrary<unknown> = fc.oneof(
  hostileValueArb,
  fc.record({
    id: fc.oneof(fc.constant('ds-1'), hostileValueArb),
    name: fc.oneof(fc.constant('bad.csv'), hostileValueArb),
    columns: fc.oneof(
      fc.constant([
        { name: 'a', type: 'number' },
        { name: 'a', type: 'string' },
      ]),
      fc.constant([{ name: 'a', type: 'integer' }, { name: 'b' }]),
      fc.constant([{ name: hugeString, type: 'number' }]),
      fc.array(hostileValueArb, { maxLength: 3 }),
      hostileValueArb,
    ),
    rowCount: fc.oneof(
      fc.constantFrom(-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
      hostileValueArb,
    ),
  }),
);

/**
 * Events of any shape: a type the machine knows, an unknown one or one of XState's own
 * invoke results, with any payload fields holding hostile values.
 */
export function hostileEventArb(types: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      type: fc.constantFrom(...types, 'foo', '', 'data.*', hugeString),
      dataset: fc.oneof(malformedDatasetArb, hostileValueArb),
      column: hostileValueArb,
      columns: fc.oneof(hostileValueArb, fc.array(hostileValueArb, { maxLength: 4 })),
      modelType: hostileValueArb,
      modelId: hostileValueArb,
      analysis: hostileValueArb,
      command: hostileValueArb,
      output: hostileValueArb,
      error: hostileValueArb,
    },
    { requiredKeys: ['type'] },
  );
}

/** A column name: one of the data set's most of the time, otherwise any of the pool. */
export function columnOf(dataset: DatasetInfo): fc.Arbitrary<string> {
  const names = dataset.columns.map((column) => column.name);
  return names.length === 0
    ? fc.constantFrom(...columnPool)
    : fc.oneof(
        { arbitrary: fc.constantFrom(...names), weight: 4 },
        { arbitrary: fc.constantFrom(...columnPool), weight: 1 },
      );
}

/** A list of column names: a sub-list of the data set's most of the time, otherwise of the pool. */
export function columnsOf(dataset: DatasetInfo): fc.Arbitrary<string[]> {
  const names = dataset.columns.map((column) => column.name);
  return fc.oneof(
    { arbitrary: fc.shuffledSubarray(names), weight: 4 },
    { arbitrary: fc.array(fc.constantFrom(...columnPool), { maxLength: 4 }), weight: 1 },
  );
}

/** What the invoked work does when it runs: resolve well, resolve with junk, reject, or never settle. */
export type Outcome = 'resolve' | 'malformed' | 'reject' | 'hang';

/** Outcomes, mostly successful so runs get through. */
export const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  { arbitrary: fc.constant<Outcome>('resolve'), weight: 4 },
  { arbitrary: fc.constantFrom<Outcome>('malformed', 'reject', 'hang'), weight: 2 },
);
