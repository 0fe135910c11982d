/** The commands data exploration runs. */
export type ExplorationCommandId =
  | 'schema'
  | 'head'
  | 'summary'
  | 'missing'
  | 'value_counts'
  | 'histogram';

/**
 * How a command takes a column: `optional` (any column of the data set, or none),
 * `required` (any column) or `numeric` (a numeric column).
 */
export type ColumnRule = 'optional' | 'required' | 'numeric';

/** An entry of the {@link explorationCommands} catalogue. */
export interface ExplorationCommand {
  id: ExplorationCommandId;
  label: string;
  column: ColumnRule;
}

/**
 * The commands data exploration offers: the schema, the first rows, a summary, the
 * missing values (each of the whole data set or of one column), the counts of a
 * column's values, and the histogram of a numeric column.
 */
export const explorationCommands: readonly ExplorationCommand[] = [
  { id: 'schema', label: 'Column names and types', column: 'optional' },
  { id: 'head', label: 'First rows', column: 'optional' },
  { id: 'summary', label: 'Summary statistics', column: 'optional' },
  { id: 'missing', label: 'Missing values', column: 'optional' },
  { id: 'value_counts', label: 'Counts of each value of a column', column: 'required' },
  { id: 'histogram', label: 'Histogram of a numeric column', column: 'numeric' },
];

/**
 * Finds a command of the {@link explorationCommands} catalogue by id.
 *
 * @param id - the requested id, untrusted
 * @returns the command, or `undefined` when the id is not in the catalogue
 */
export function findExplorationCommand(id: unknown): ExplorationCommand | undefined {
  return explorationCommands.find((command) => command.id === id);
}
