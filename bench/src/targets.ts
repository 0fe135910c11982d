/**
 * Builders of {@link TargetResult}s: a chatflow figure against a baseline (a ratio with
 * a bound) or against an absolute threshold. A side that was not measured gives
 * `met: null` with the reason, never a silent pass.
 */
import type { Measurement, TargetResult } from './types.ts';

function figure(m: Measurement): { id: string; label: string; value: number; unit: string } {
  return { id: m.id, label: m.label, value: m.median, unit: m.unit };
}

/** Options of {@link ratioTarget}. */
export interface RatioTargetOptions {
  id: string;
  label: string;
  chatflow: Measurement | undefined;
  baseline: Measurement | undefined;
  /**
   * `atLeast`: chatflow / baseline must be >= `bound` (throughput-like figures);
   * `atMost`: chatflow / baseline must be <= `bound` (cost-like figures, e.g. bytes).
   */
  kind: 'atLeast' | 'atMost';
  bound: number;
  /** Why a missing side is missing, when known. */
  unavailableReason?: string | undefined;
}

/**
 * A ratio target: chatflow's median over the baseline's median, compared with a bound.
 *
 * @example
 * ```ts
 * ratioTarget({ id: 'mem.c1.vsBare', label: '1 in flight vs bare actor', chatflow, baseline,
 *   kind: 'atLeast', bound: 0.5 });
 * ```
 */
export function ratioTarget(options: RatioTargetOptions): TargetResult {
  const { chatflow, baseline, kind, bound } = options;
  const target = `${kind === 'atLeast' ? '>=' : '<='} ${bound}x`;
  const base = {
    id: options.id,
    label: options.label,
    chatflow: chatflow ? figure(chatflow) : null,
    baselines: baseline ? [figure(baseline)] : [],
    target,
  };
  if (!chatflow || !baseline || !(baseline.median > 0)) {
    const missing = !chatflow ? 'chatflow side' : 'baseline';
    return {
      ...base,
      ratio: null,
      met: null,
      reason: `${missing} not measured${options.unavailableReason ? `: ${options.unavailableReason}` : ''}`,
    };
  }
  const ratio = chatflow.median / baseline.median;
  return { ...base, ratio, met: kind === 'atLeast' ? ratio >= bound : ratio <= bound };
}

/** Options of {@link thresholdTarget}. */
export interface ThresholdTargetOptions {
  id: string;
  label: string;
  chatflow: Measurement | undefined;
  /** `below`: the median must be < `threshold`; `atLeast`: >= `threshold`. */
  kind: 'below' | 'atLeast';
  threshold: number;
  /** Unit of `threshold` for the words of the target (the measurement's own unit). */
  unit: string;
  /** Baselines shown beside the figure for context (they do not enter the verdict). */
  context?: (Measurement | undefined)[];
  unavailableReason?: string | undefined;
}

/**
 * An absolute target: chatflow's median against a fixed threshold.
 *
 * @example
 * ```ts
 * thresholdTarget({ id: 'mem.c1.p99', label: 'p99 step latency', chatflow: p99,
 *   kind: 'below', threshold: 50, unit: 'µs' });
 * ```
 */
export function thresholdTarget(options: ThresholdTargetOptions): TargetResult {
  const { chatflow, kind, threshold } = options;
  const base = {
    id: options.id,
    label: options.label,
    chatflow: chatflow ? figure(chatflow) : null,
    baselines: (options.context ?? []).filter((m): m is Measurement => !!m).map(figure),
    ratio: null,
    target: `${kind === 'below' ? '<' : '>='} ${threshold} ${options.unit}`,
  };
  if (!chatflow) {
    return {
      ...base,
      met: null,
      reason: `chatflow side not measured${options.unavailableReason ? `: ${options.unavailableReason}` : ''}`,
    };
  }
  return {
    ...base,
    met: kind === 'below' ? chatflow.median < threshold : chatflow.median >= threshold,
  };
}
