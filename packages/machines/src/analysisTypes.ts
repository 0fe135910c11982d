/** The analyses stats analysis runs. */
export type AnalysisTypeId = 'descriptive' | 'correlation' | 't_test' | 'linear_regression';

/** An entry of the {@link analysisTypes} catalogue: an analysis and the columns it takes. */
export interface AnalysisType {
  id: AnalysisTypeId;
  label: string;
  /** The fewest numeric columns the analysis takes. */
  minColumns: number;
  /** The most numeric columns the analysis takes, `null` for no limit. */
  maxColumns: number | null;
}

/**
 * The analyses stats analysis offers and the numeric columns each takes: descriptive
 * statistics of one or more columns, a correlation matrix of two or more, a t-test
 * comparing the means of exactly two, and a simple linear regression of exactly two
 * (the first column explains the second).
 */
export const analysisTypes: readonly AnalysisType[] = [
  { id: 'descriptive', label: 'Descriptive statistics', minColumns: 1, maxColumns: null },
  { id: 'correlation', label: 'Correlation', minColumns: 2, maxColumns: null },
  { id: 't_test', label: 't-test of two means', minColumns: 2, maxColumns: 2 },
  { id: 'linear_regression', label: 'Simple linear regression', minColumns: 2, maxColumns: 2 },
];

/**
 * Finds an analysis of the {@link analysisTypes} catalogue by id.
 *
 * @param id - the requested id, untrusted
 * @returns the analysis, or `undefined` when the id is not in the catalogue
 */
export function findAnalysisType(id: unknown): AnalysisType | undefined {
  return analysisTypes.find((analysis) => analysis.id === id);
}
