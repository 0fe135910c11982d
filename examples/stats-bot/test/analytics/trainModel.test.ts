import { describe, expect, it } from 'vitest';
import { formatTrainResult, trainModel } from '../../src/analytics/trainModel.ts';
import {
  analyticsError,
  clusterTable,
  customerFeatures,
  customersTable,
  houseFeatures,
  housesTable,
  linearTable,
  tableOf,
} from './sampleData.ts';

const houses = housesTable();
const customers = customersTable();

describe('trainModel', () => {
  describe('linear_regression', () => {
    const result = trainModel({
      table: houses,
      target: 'price',
      features: houseFeatures,
      modelType: 'linear_regression',
      seed: 1,
      modelId: 'houses-linear',
    });

    it('should score well on held-out houses and report the split', () => {
      expect(result.modelId).toBe('houses-linear');
      expect(result.metrics.r2).toBeGreaterThan(0.9);
      expect(result.metrics.rmse).toBeGreaterThan(0);
      expect(result.metrics.mae).toBeLessThanOrEqual(result.metrics.rmse as number);
      expect(result.metrics).toMatchObject({ trainRows: 240, holdoutRows: 60, droppedRows: 0 });
    });

    it('should recover the coefficients the data was generated with', () => {
      const coefficients = result.coefficients ?? {};
      expect(coefficients.area_m2).toBeGreaterThan(2800 * 0.9);
      expect(coefficients.area_m2).toBeLessThan(2800 * 1.1);
      expect(coefficients.age_years).toBeLessThan(0);
      // Paris is the most frequent city in training, hence the reference level.
      expect(result.model.encodedColumns).toEqual([
        'area_m2',
        'rooms',
        'age_years',
        'garden',
        'city=Lyon',
        'city=Lille',
        'city=Nantes',
      ]);
      expect(coefficients['city=Lille']).toBeLessThan(coefficients['city=Lyon'] as number);
      expect(Object.keys(coefficients)).toContain('(intercept)');
    });

    it('should describe the model and its scores in chat text', () => {
      const text = formatTrainResult(result);
      expect(text).toContain('Model houses-linear (linear_regression) predicting "price"');
      expect(text).toContain('Trained on 240 rows, scored on 60 held-out rows.');
      expect(text).toMatch(/R² = 0\.9\d+/);
      expect(text).toContain('city=Lille');
    });

    it('should fit a generated linear data set with noise', () => {
      const fit = trainModel({
        table: linearTable(200, 3, 2),
        target: 'y',
        features: ['x1', 'x2'],
        modelType: 'linear_regression',
        seed: 9,
      });
      expect(fit.metrics.r2).toBeGreaterThan(0.8);
      expect(fit.coefficients?.x1).toBeCloseTo(3, 0);
      expect(fit.coefficients?.x2).toBeCloseTo(-2, 0);
      expect(fit.modelId).toMatch(/^linear_regression-[0-9a-f]{8}$/);
    });
  });

  describe('random_forest_regression', () => {
    const first = trainModel({
      table: houses,
      target: 'price',
      features: houseFeatures,
      modelType: 'random_forest_regression',
      seed: 5,
    });

    it('should score well on held-out houses', () => {
      expect(first.metrics.r2).toBeGreaterThan(0.8);
      expect(first.model.estimator).toMatchObject({ name: 'RFRegression' });
    });

    it('should give the same model and scores for the same seed, and another split for another', () => {
      const again = trainModel({
        table: houses,
        target: 'price',
        features: houseFeatures,
        modelType: 'random_forest_regression',
        seed: 5,
      });
      expect(again.metrics).toEqual(first.metrics);
      expect(again.model.estimator).toEqual(first.model.estimator);
      const other = trainModel({
        table: houses,
        target: 'price',
        features: ['area_m2'],
        modelType: 'linear_regression',
        seed: 6,
      });
      const same = trainModel({
        table: houses,
        target: 'price',
        features: ['area_m2'],
        modelType: 'linear_regression',
        seed: 5,
      });
      expect(other.metrics.r2).not.toBe(same.metrics.r2);
    });
  });

  describe('logistic_regression', () => {
    const result = trainModel({
      table: customers,
      target: 'churned',
      features: customerFeatures,
      modelType: 'logistic_regression',
      seed: 2,
    });

    it('should beat the majority class by far on held-out customers', () => {
      expect(result.metrics.accuracy).toBeGreaterThan(
        (result.metrics.baselineAccuracy as number) + 0.2,
      );
      expect(result.metrics.baselineAccuracy).toBeGreaterThan(0.5);
      expect(result.metrics.classCount).toBe(2);
    });

    it('should keep the yes/no classes, count them, and leave incomplete rows out', () => {
      expect(result.model.classes).toEqual(['no', 'yes']);
      expect(result.metrics.droppedRows).toBe(6);
      const counts = result.classCounts ?? {};
      expect((counts.no ?? 0) + (counts.yes ?? 0)).toBe(294);
      expect((result.metrics.trainRows ?? 0) + (result.metrics.holdoutRows ?? 0)).toBe(294);
      expect(result.warnings[0]).toContain('6 rows');
      const confusion = result.confusionMatrix ?? [];
      expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(result.metrics.holdoutRows);
    });

    it('should stratify the holdout by class', () => {
      const counts = result.classCounts ?? {};
      const confusion = result.confusionMatrix ?? [];
      const holdoutYes = (confusion[1] ?? []).reduce((a, b) => a + b, 0);
      expect(holdoutYes).toBe(Math.round((counts.yes ?? 0) * 0.2));
    });

    it('should standardize the features', () => {
      const standardization = result.model.standardization;
      expect(standardization?.means).toHaveLength(result.model.encodedColumns.length);
      expect(standardization?.scales.every((s) => s > 0)).toBe(true);
    });

    it('should separate more than two classes', () => {
      const fit = trainModel({
        table: clusterTable(60, 4),
        target: 'colour',
        features: ['x', 'y'],
        modelType: 'logistic_regression',
        seed: 1,
      });
      expect(fit.model.classes).toEqual(['blue', 'green', 'red']);
      expect(fit.metrics.accuracy).toBeGreaterThan(0.8);
      expect(fit.confusionMatrix).toHaveLength(3);
      expect(formatTrainResult(fit)).toContain('Accuracy');
    });
  });

  describe('random_forest_classification', () => {
    it('should beat the majority class on held-out customers', () => {
      const result = trainModel({
        table: customers,
        target: 'churned',
        features: customerFeatures,
        modelType: 'random_forest_classification',
        seed: 2,
      });
      expect(result.metrics.accuracy).toBeGreaterThan(
        (result.metrics.baselineAccuracy as number) + 0.1,
      );
      expect(result.model.standardization).toBeUndefined();
      expect(result.model.estimator).toMatchObject({ name: 'RFClassifier' });
      expect(formatTrainResult(result)).toContain('always guessing the most frequent class');
    });
  });

  describe('refusals', () => {
    const base = {
      table: houses,
      target: 'price',
      features: ['area_m2'],
      modelType: 'linear_regression' as const,
      seed: 1,
    };

    it('should refuse a target among the features and an empty feature list', () => {
      const among = analyticsError(() => trainModel({ ...base, features: ['price', 'rooms'] }));
      expect(among.code).toBe('INVALID_ARGUMENT');
      expect(among.message).toBe('The target "price" cannot also be a feature.');
      expect(analyticsError(() => trainModel({ ...base, features: [] })).code).toBe(
        'INVALID_ARGUMENT',
      );
    });

    it('should name columns that are not in the data', () => {
      const error = analyticsError(() => trainModel({ ...base, features: ['area_m2', 'floor'] }));
      expect(error.code).toBe('MISSING_COLUMNS');
      expect(error.message).toContain('"floor"');
      expect(error.message).toContain('area_m2, rooms');
    });

    it('should refuse a target that does not suit the model type', () => {
      const regression = analyticsError(() => trainModel({ ...base, target: 'city' }));
      expect(regression.code).toBe('WRONG_COLUMN_TYPE');
      expect(regression.message).toContain('"city" holds text');
      const classification = analyticsError(() =>
        trainModel({ ...base, modelType: 'logistic_regression' }),
      );
      expect(classification.code).toBe('WRONG_COLUMN_TYPE');
      expect(classification.message).toContain('linear_regression');
    });

    it('should refuse too few complete rows and a single class', () => {
      const small = tableOf({ x: [1, 2, 3, null, 5], y: [1, 2, 3, 4, 5] });
      const few = analyticsError(() =>
        trainModel({ ...base, table: small, target: 'y', features: ['x'] }),
      );
      expect(few.code).toBe('NOT_ENOUGH_DATA');
      expect(few.message).toContain('Only 4 rows');
      const oneClass = tableOf({
        x: Array.from({ length: 20 }, (_, i) => i),
        label: Array.from({ length: 20 }, () => 'a'),
      });
      const single = analyticsError(() =>
        trainModel({
          ...base,
          table: oneClass,
          target: 'label',
          features: ['x'],
          modelType: 'random_forest_classification',
        }),
      );
      expect(single.code).toBe('NOT_ENOUGH_DATA');
      expect(single.message).toContain('single class');
    });
  });
});
