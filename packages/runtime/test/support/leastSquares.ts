/**
 * Ordinary least squares with an intercept, by the normal equations and Gaussian
 * elimination with partial pivoting: the real computation the test trainer runs.
 */
export function leastSquares(
  rows: number[][],
  targets: number[],
): { coefficients: number[]; r2: number } {
  const width = (rows[0]?.length ?? 0) + 1;
  const xtx = Array.from({ length: width }, () => new Array<number>(width).fill(0));
  const xty = new Array<number>(width).fill(0);
  rows.forEach((row, i) => {
    const x = [1, ...row];
    for (let a = 0; a < width; a += 1) {
      xty[a]! += x[a]! * targets[i]!;
      for (let b = 0; b < width; b += 1) xtx[a]![b]! += x[a]! * x[b]!;
    }
  });
  for (let col = 0; col < width; col += 1) {
    let pivot = col;
    for (let r = col + 1; r < width; r += 1) {
      if (Math.abs(xtx[r]![col]!) > Math.abs(xtx[pivot]![col]!)) pivot = r;
    }
    [xtx[col], xtx[pivot]] = [xtx[pivot]!, xtx[col]!];
    [xty[col], xty[pivot]] = [xty[pivot]!, xty[col]!];
    const p = xtx[col]![col]!;
    if (Math.abs(p) < 1e-12) throw new Error('The features are collinear; cannot fit.');
    for (let r = 0; r < width; r += 1) {
      if (r === col) continue;
      const factor = xtx[r]![col]! / p;
      for (let c = col; c < width; c += 1) xtx[r]![c]! -= factor * xtx[col]![c]!;
      xty[r]! -= factor * xty[col]!;
    }
  }
  const coefficients = xty.map((value, i) => value / xtx[i]![i]!);
  const mean = targets.reduce((sum, y) => sum + y, 0) / targets.length;
  let residual = 0;
  let total = 0;
  rows.forEach((row, i) => {
    const predicted =
      coefficients[0]! + row.reduce((sum, x, j) => sum + x * coefficients[j + 1]!, 0);
    residual += (targets[i]! - predicted) ** 2;
    total += (targets[i]! - mean) ** 2;
  });
  return { coefficients, r2: total === 0 ? 1 : 1 - residual / total };
}
