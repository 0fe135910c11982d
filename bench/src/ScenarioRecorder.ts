/**
 * Collects what a scenario measured, step by step, and hands it back as a
 * {@link ScenarioResult} whose status follows from what could be measured.
 */
import { errorMessage, measurement } from './harness.ts';
import type { Measurement, ScenarioResult, Side, TargetResult, Unavailable } from './types.ts';

/**
 * @example
 * ```ts
 * const recorder = new ScenarioRecorder('in-memory-steps', 'Persisted steps, in memory');
 * recorder.measure({ id: 'bare.c1', label: 'bare actor', side: 'baseline', unit: 'steps/s', better: 'higher' }, samples);
 * return recorder.result();
 * ```
 */
export class ScenarioRecorder {
  readonly #id: string;
  readonly #title: string;
  readonly #started = Date.now();
  readonly parameters: Record<string, number | string | boolean> = {};
  readonly #measurements: Measurement[] = [];
  readonly #targets: TargetResult[] = [];
  readonly #unavailable: Unavailable[] = [];
  readonly #notes: string[] = [];

  constructor(id: string, title: string) {
    this.#id = id;
    this.#title = title;
  }

  /** Records a figure from its per-repetition samples and returns it. */
  measure(
    fields: { id: string; label: string; side: Side; unit: string; better: 'higher' | 'lower' },
    samples: readonly number[],
  ): Measurement {
    const m = measurement(fields, samples);
    this.#measurements.push(m);
    return m;
  }

  /** A recorded figure by id. */
  get(id: string): Measurement | undefined {
    return this.#measurements.find((m) => m.id === id);
  }

  /** Records a target verdict. */
  target(target: TargetResult): void {
    this.#targets.push(target);
  }

  /** Records a part that could not be measured (an error or a reason). */
  unavailable(what: string, reason: unknown): string {
    const text = typeof reason === 'string' ? reason : errorMessage(reason);
    if (!this.#unavailable.some((u) => u.what === what))
      this.#unavailable.push({ what, reason: text });
    return text;
  }

  /** The reason recorded for `what`, if any. */
  reasonFor(what: string): string | undefined {
    return this.#unavailable.find((u) => u.what === what)?.reason;
  }

  /** Adds a remark kept beside the figures. */
  note(text: string): void {
    this.#notes.push(text);
  }

  /** The scenario's result. */
  result(): ScenarioResult {
    const status =
      this.#measurements.length === 0
        ? 'not_available'
        : this.#unavailable.length > 0
          ? 'partial'
          : 'ok';
    return {
      id: this.#id,
      title: this.#title,
      status,
      durationMs: Date.now() - this.#started,
      parameters: { ...this.parameters },
      measurements: [...this.#measurements],
      targets: [...this.#targets],
      unavailable: [...this.#unavailable],
      notes: [...this.#notes],
    };
  }
}
