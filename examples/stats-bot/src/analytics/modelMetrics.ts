/** Holdout scores of a regression model. */
export interface RegressionScores {
  /** Coefficient of determination, 1 - SSres/SStot (can be negative for a poor model). */
  r2: number;
  /** Root mean squared error, in the target's unit. */
  rmse: number;
  /** Mean absolute error, in the target's unit. */
  mae: number;
}

/**
 * R², RMSE and MAE of predictions against actual values.
 *
 * @example
 * ```ts
 * regressionScores([1, 2, 3], [1, 2, 4]); // { r2: 0.5, rmse: 0.577..., mae: 0.333... }
 * ```
 */
export function regressionScores(
  actual: readonly number[],
  predicted: readonly number[],
): RegressionScores {
  const n = actual.length;
  if (n === 0) return { r2: Number.NaN, rmse: Number.NaN, mae: Number.NaN };
  const mean = actual.reduce((sum, value) => sum + value, 0) / n;
  let squared = 0;
  let absolute = 0;
  let total = 0;
  actual.forEach((value, i) => {
    const error = value - (predicted[i] ?? Number.NaN);
    squared += error * error;
    absolute += Math.abs(error);
    total += (value - mean) ** 2;
  });
  const r2 = total === 0 ? (squared === 0 ? 1 : 0) : 1 - squared / total;
  return { r2, rmse: Math.sqrt(squared / n), mae: absolute / n };
}

/** Holdout scores of a classification model. */
export interface ClassificationScores {
  /** Share of holdout rows whose class was predicted right. */
  accuracy: number;
  /**
   * Counts by actual class (rows) and predicted class (columns), in the order of the
   * class list.
   */
  confusionMatrix: number[][];
}

/**
 * Accuracy and confusion matrix of predicted class indices against actual ones. An
 * actual index outside the class list (a class never seen in training) counts as wrong.
 *
 * @example
 * ```ts
 * classificationScores([0, 1, 1], [0, 1, 0], 2);
 * // { accuracy: 0.666..., confusionMatrix: [[1, 0], [1, 1]] }
 * ```
 */
export function classificationScores(
  actual: readonly number[],
  predicted: readonly number[],
  classCount: number,
): ClassificationScores {
  const confusionMatrix = Array.from({ length: classCount }, () =>
    new Array<number>(classCount).fill(0),
  );
  let right = 0;
  actual.forEach((value, i) => {
    const guess = predicted[i] ?? -1;
    if (value === guess) right += 1;
    const row = confusionMatrix[value];
    if (row !== undefined && guess >= 0 && guess < classCount) row[guess] = (row[guess] ?? 0) + 1;
  });
  return { accuracy: actual.length === 0 ? Number.NaN : right / actual.length, confusionMatrix };
}
