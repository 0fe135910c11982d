declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  /** The JSON form of a trained {@link LogisticRegression}. */
  interface LogisticRegressionModel {
    name: 'LogisticRegression';
    numSteps: number;
    learningRate: number;
    numberClasses: number;
    classifiers: unknown[];
  }

  /** One-vs-all logistic regression trained by gradient descent (ml.js); no intercept term. */
  class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    /** Trains on a feature matrix and a column vector of class indices 0..k-1. */
    train(features: Matrix, classes: Matrix): void;
    /** The class index predicted for each row. */
    predict(features: Matrix): number[];
    toJSON(): LogisticRegressionModel;
    static load(model: LogisticRegressionModel): LogisticRegression;
  }

  export = LogisticRegression;
}
