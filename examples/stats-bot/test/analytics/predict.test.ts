import { describe, expect, it } from 'vitest';
import { AnalyticsError } from '../../src/analytics/AnalyticsError.ts';
import { isSerializedModel, predict } from '../../src/analytics/predict.ts';
import { trainModel } from '../../src/analytics/trainModel.ts';
import type { SerializedModel } from '../../src/analytics/types.ts';
import {
  customerFeatures,
  customersTable,
  houseFeatures,
  housesTable,
  tableOf,
} from './sampleData.ts';

const houses = housesTable();
const customers = customersTable();

const trained = {
  linear_regression: trainModel({
    table: houses,
    target: 'price',
    features: houseFeatures,
    modelType: 'linear_regression',
    seed: 1,
    modelId: 'm-linear',
  }).model,
  random_forest_regression: trainModel({
    table: houses,
    target: 'price',
    features: ['area_m2', 'rooms', 'city'],
    modelType: 'random_forest_regression',
    seed: 1,
  }).model,
  logistic_regression: trainModel({
    table: customers,
    target: 'churned',
    features: customerFeatures,
    modelType: 'logistic_regression',
    seed: 1,
  }).model,
  random_forest_classification: trainModel({
    table: customers,
    target: 'churned',
    features: ['tenure_months', 'contract', 'support_calls'],
    modelType: 'random_forest_classification',
    seed: 1,
  }).model,
};

const roundTrip = (model: SerializedModel): SerializedModel => JSON.parse(JSON.stringify(model));

describe('predict', () => {
  for (const [modelType, model] of Object.entries(trained)) {
    it(`should predict the same after a JSON round trip (${modelType})`, () => {
      const table = model.task === 'regression' ? houses : customers;
      const direct = predict({ model, table });
      const stored = roundTrip(model);
      expect(isSerializedModel(stored)).toBe(true);
      const loaded = predict({ model: stored, table });
      expect(loaded.predictions).toEqual(direct.predictions);
      expect(loaded.rowCount).toBe(table.numRows);
      expect(loaded.predictions).toHaveLength(table.numRows);
    });
  }

  it('should predict house prices close to the actual ones', () => {
    const { predictions } = predict({ model: roundTrip(trained.linear_regression), table: houses });
    const actual = houses.getChild('price')?.toArray() as Float64Array;
    const mean = actual.reduce((a, b) => a + b, 0) / actual.length;
    let residual = 0;
    let total = 0;
    actual.forEach((value, i) => {
      residual += (value - (predictions[i] as number)) ** 2;
      total += (value - mean) ** 2;
    });
    expect(1 - residual / total).toBeGreaterThan(0.9);
  });

  it('should predict class labels, mostly right', () => {
    const { predictions } = predict({ model: trained.logistic_regression, table: customers });
    expect(new Set(predictions)).toEqual(new Set(['yes', 'no']));
    const actual = customers.getChild('churned');
    let right = 0;
    let known = 0;
    predictions.forEach((label, i) => {
      const value = actual?.get(i);
      if (value === null || value === undefined) return;
      known += 1;
      if ((value ? 'yes' : 'no') === label) right += 1;
    });
    expect(right / known).toBeGreaterThan(0.75);
  });

  it('should work on new data with other columns in another order, and fill missing values', () => {
    const table = tableOf({
      note: ['a', 'b', 'c'],
      city: ['Paris', 'Lille', null],
      rooms: [3, 3, 3],
      area_m2: [100, 100, null],
    });
    const result = predict({ model: trained.random_forest_regression, table });
    expect(result.rowCount).toBe(3);
    expect(result.filledRows).toBe(1);
    expect(result.warnings[0]).toContain('1 row has a missing feature value');
    const [paris, lille] = result.predictions as number[];
    expect(paris).toBeGreaterThan(lille as number);
  });

  it('should treat a category never seen in training as the reference level', () => {
    const table = tableOf({
      area_m2: [100, 100],
      rooms: [3, 3],
      age_years: [10, 10],
      garden: [false, false],
      city: ['Paris', 'Atlantis'],
    });
    const [paris, atlantis] = predict({ model: trained.linear_regression, table }).predictions;
    expect(atlantis).toBeCloseTo(paris as number, 6);
  });

  it('should add a prediction column to the table and show a preview', () => {
    const result = predict({ model: trained.linear_regression, table: houses, previewRows: 3 });
    expect(result.table.schema.fields.map((f) => f.name)).toContain('predicted_price');
    expect(result.table.getChild('predicted_price')?.get(2)).toBe(result.predictions[2]);
    expect(result.table.getChild('price')?.get(0)).toBe(houses.getChild('price')?.get(0));
    expect(result.preview).toContain(
      'Predicted "price" for 300 rows with model m-linear; the first 3:',
    );
    const lines = result.preview.split('\n');
    expect(lines.filter((line) => /^ *100 +3 +16 +no +Paris +\d+$/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /^ *\d+ +\d+ +\d+ +(yes|no) /.test(line))).toHaveLength(3);
    expect(result.preview).toContain('RMSE');
    const again = predict({ model: trained.linear_regression, table: result.table });
    expect(again.table.schema.fields.map((f) => f.name)).toContain('predicted_price_2');
  });

  it('should name the feature columns the data lacks', () => {
    const table = tableOf({ area_m2: [50], price: [1] });
    try {
      predict({ model: trained.linear_regression, table });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AnalyticsError);
      expect((error as AnalyticsError).code).toBe('MISSING_COLUMNS');
      expect((error as AnalyticsError).message).toBe(
        'The data lacks columns the model needs: "rooms", "age_years", "garden", "city". Model m-linear predicts "price" from area_m2, rooms, age_years, garden, city.',
      );
    }
  });

  it('should refuse a feature column of another type than in training', () => {
    const table = tableOf({ tenure_months: ['long'], contract: ['one-year'], support_calls: [1] });
    expect(() => predict({ model: trained.random_forest_classification, table })).toThrow(
      'Column "tenure_months" holds text, but the model was trained on numbers in that column.',
    );
  });

  it('should refuse something that is not a model', () => {
    for (const model of [{}, { ...trained.linear_regression, version: 2 }, null]) {
      expect(() => predict({ model: model as SerializedModel, table: houses })).toThrow(
        expect.objectContaining({ code: 'INVALID_MODEL' }),
      );
    }
    const broken = { ...trained.linear_regression, estimator: { name: 'other' } };
    expect(() => predict({ model: broken, table: houses })).toThrow(
      expect.objectContaining({ code: 'INVALID_MODEL', cause: expect.any(Error) }),
    );
  });
});
