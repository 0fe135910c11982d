import type { ModelTypeId } from '@chatflow/machines';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { RandomForestClassifier, RandomForestRegression } from 'ml-random-forest';
import MultivariateLinearRegression from 'ml-regression-multivariate-linear';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';

/** A fitted model of one of the ml.js libraries, behind one interface. */
export interface Estimator {
  /** Predicts a value (regression) or a class index (classification) per row. */
  predict(rows: number[][]): number[];
  /** The model as plain JSON (the library's `toJSON()`, with matrices as arrays). */
  toJSON(): unknown;
}

/**
 * Trees per forest. Small, so that training on a few hundred rows stays well under a
 * second on a shared machine.
 */
export const forestSize = 25;

const treeOptions = { maxDepth: 10, minNumSamples: 5 };

/** Gradient descent steps of logistic regression: more for more columns (smaller steps). */
const logisticSteps = (width: number) => Math.min(1000 + 50 * width, 3000);

/**
 * Fits the ml.js model of a model type on encoded rows: `linear_regression` with
 * ml-regression-multivariate-linear (with intercept), `random_forest_regression` and
 * `random_forest_classification` with ml-random-forest (seeded), `logistic_regression`
 * with ml-logistic-regression (one-vs-all; the rows must already be standardized, an
 * intercept column is added here). Classification targets are class indices 0..k-1.
 */
export function fitEstimator(
  modelType: ModelTypeId,
  rows: number[][],
  target: number[],
  seed: number,
): Estimator {
  switch (modelType) {
    case 'linear_regression': {
      const model = new MultivariateLinearRegression(
        rows,
        target.map((value) => [value]),
        { intercept: true, statistics: false },
      );
      return linearEstimator(model);
    }
    case 'random_forest_regression': {
      const model = new RandomForestRegression({
        nEstimators: forestSize,
        seed,
        maxFeatures: 1,
        replacement: false,
        useSampleBagging: true,
        noOOB: true,
        treeOptions,
      });
      model.train(rows, target);
      return forestEstimator(model);
    }
    case 'random_forest_classification': {
      const model = new RandomForestClassifier({
        nEstimators: forestSize,
        seed,
        maxFeatures: 1,
        replacement: false,
        useSampleBagging: true,
        noOOB: true,
        treeOptions,
      });
      model.train(rows, target);
      return forestEstimator(model);
    }
    case 'logistic_regression': {
      const width = (rows[0]?.length ?? 0) + 1;
      // With standardized columns the curvature of the mean log-loss is at most width/4,
      // so a mean-gradient step of 4/width always descends. The library sums gradients
      // over rows, hence the division by the row count.
      const model = new LogisticRegression({
        numSteps: logisticSteps(width),
        learningRate: 4 / width / Math.max(rows.length, 1),
      });
      model.train(new Matrix(withIntercept(rows)), Matrix.columnVector(target));
      return logisticEstimator(model);
    }
  }
}

/** Loads the JSON of {@link Estimator.toJSON} back into an estimator. */
export function loadEstimator(modelType: ModelTypeId, json: unknown): Estimator {
  try {
    switch (modelType) {
      case 'linear_regression':
        return linearEstimator(
          MultivariateLinearRegression.load(json as MultivariateLinearRegression.MLRModel),
        );
      case 'random_forest_regression':
        return forestEstimator(
          RandomForestRegression.load(json as Parameters<typeof RandomForestRegression.load>[0]),
        );
      case 'random_forest_classification':
        return forestEstimator(
          RandomForestClassifier.load(json as Parameters<typeof RandomForestClassifier.load>[0]),
        );
      case 'logistic_regression':
        return logisticEstimator(
          LogisticRegression.load(json as Parameters<typeof LogisticRegression.load>[0]),
        );
    }
  } catch (cause) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_MODEL,
      `The stored ${modelType} model cannot be loaded; please train it again.`,
      { cause },
    );
  }
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function withIntercept(rows: number[][]): number[][] {
  return rows.map((row) => [...row, 1]);
}

function linearEstimator(model: MultivariateLinearRegression): Estimator {
  return {
    predict: (rows) => rows.map((row) => model.predict(row)[0] ?? Number.NaN),
    toJSON: () => plain(model.toJSON()),
  };
}

function forestEstimator(model: RandomForestRegression | RandomForestClassifier): Estimator {
  return {
    predict: (rows) => (rows.length === 0 ? [] : model.predict(rows)),
    toJSON: () => {
      const json = plain(model.toJSON()) as { baseModel: { estimators: { root: unknown }[] } };
      for (const tree of json.baseModel.estimators) tree.root = compactNode(tree.root);
      return json;
    },
  };
}

/**
 * Keeps what a tree needs to predict (split or leaf value) and drops what ml-cart copies
 * into every node (its options, gains, sample counts): the JSON gets several times
 * smaller and loads back the same.
 */
function compactNode(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const source = node as Record<string, unknown>;
  if (source.distribution !== undefined) return { distribution: source.distribution };
  return {
    splitValue: source.splitValue,
    splitColumn: source.splitColumn,
    left: compactNode(source.left),
    right: compactNode(source.right),
  };
}

function logisticEstimator(model: LogisticRegression): Estimator {
  return {
    predict: (rows) => (rows.length === 0 ? [] : model.predict(new Matrix(withIntercept(rows)))),
    toJSON: () => plain(model.toJSON()),
  };
}
