import { describe, expect, it } from 'vitest';
import { classificationScores, regressionScores } from '../../src/analytics/modelMetrics.ts';

describe('regressionScores', () => {
  it('should compute R², RMSE and MAE', () => {
    const scores = regressionScores([1, 2, 3, 4], [1, 2, 3, 6]);
    // SSres = 4, SStot = 5
    expect(scores.r2).toBeCloseTo(0.2, 12);
    expect(scores.rmse).toBeCloseTo(1, 12);
    expect(scores.mae).toBeCloseTo(0.5, 12);
  });

  it('should give 1 for perfect predictions and a negative R² for worse than the mean', () => {
    expect(regressionScores([1, 2, 3], [1, 2, 3]).r2).toBe(1);
    expect(regressionScores([1, 2, 3], [3, 2, 1]).r2).toBeCloseTo(-3, 12);
  });
});

describe('classificationScores', () => {
  it('should compute accuracy and the confusion matrix', () => {
    const { accuracy, confusionMatrix } = classificationScores([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);
    expect(accuracy).toBeCloseTo(3 / 5, 12);
    expect(confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
  });

  it('should count a class unseen in training as wrong', () => {
    expect(classificationScores([-1, 0], [0, 0], 2).accuracy).toBe(0.5);
  });
});
