/**
 * Turns a run into what people read: the targets table (scenario, chatflow figure,
 * baseline figures, ratio, target, met) and the table of every other figure, both as
 * Markdown so the same text serves the terminal and the README.
 */
import type { BenchReport, Measurement, ScenarioResult, TargetResult } from './types.ts';

/** A number in a form that reads well beside its unit: `12,345`, `48.2`, `0.731`. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function withUnit(value: number, unit: string): string {
  return `${formatNumber(value)} ${unit}`;
}

function figureCell(figure: { label: string; value: number; unit: string }): string {
  return `${withUnit(figure.value, figure.unit)} (${figure.label})`;
}

function verdict(target: TargetResult): string {
  if (target.met === null) return `n/a: ${target.reason ?? 'not measured'}`;
  if (target.met) return 'yes';
  return target.reason ? `**no** (${target.reason})` : '**no**';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One Markdown table row from cells. */
function row(cells: string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

/**
 * The targets of every scenario as one Markdown table.
 *
 * @example
 * ```ts
 * console.log(targetsTable(report.scenarios));
 * ```
 */
export function targetsTable(scenarios: readonly ScenarioResult[]): string {
  const lines = [
    row(['scenario', 'target of', 'chatflow', 'baseline(s)', 'ratio', 'target', 'met']),
    row(['---', '---', '---', '---', '---', '---', '---']),
  ];
  for (const scenario of scenarios) {
    for (const target of scenario.targets) {
      lines.push(
        row([
          scenario.title,
          target.label,
          target.chatflow ? withUnit(target.chatflow.value, target.chatflow.unit) : 'not available',
          target.baselines.length === 0 ? '—' : target.baselines.map(figureCell).join('; '),
          target.ratio === null ? '—' : `${target.ratio.toFixed(2)}x`,
          target.target,
          verdict(target),
        ]),
      );
    }
  }
  return lines.join('\n');
}

function spread(m: Measurement): string {
  return `${formatNumber(m.min)}–${formatNumber(m.max)}`;
}

/**
 * Every measurement of every scenario (median, min–max over the repetitions), and what
 * could not be measured.
 *
 * @example
 * ```ts
 * console.log(measurementsTable(report.scenarios));
 * ```
 */
export function measurementsTable(scenarios: readonly ScenarioResult[]): string {
  const lines = [
    row(['scenario', 'figure', 'side', 'median', 'min–max', 'unit', 'runs']),
    row(['---', '---', '---', '---', '---', '---', '---']),
  ];
  for (const scenario of scenarios) {
    for (const m of scenario.measurements) {
      lines.push(
        row([
          scenario.title,
          m.label,
          m.side,
          formatNumber(m.median),
          spread(m),
          m.unit,
          String(m.samples.length),
        ]),
      );
    }
    for (const missing of scenario.unavailable) {
      lines.push(
        row([scenario.title, missing.what, '—', 'not available', missing.reason, '', '0']),
      );
    }
    if (scenario.status === 'failed') {
      lines.push(
        row([scenario.title, 'the whole scenario', '', 'failed', scenario.error ?? '', '', '0']),
      );
    }
  }
  return lines.join('\n');
}

/**
 * The full text printed at the end of a run: header, targets, figures.
 *
 * @example
 * ```ts
 * process.stdout.write(renderReport(report));
 * ```
 */
export function renderReport(report: BenchReport): string {
  const env = report.environment;
  const header = [
    `chatflow bench (${report.mode}), ${report.timestamp}, ${(report.durationMs / 1000).toFixed(1)} s`,
    `node ${env.node}, ${env.cpus.count} x ${env.cpus.model}, ${(env.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, ` +
      `xstate ${env.versions.xstate}, keyv ${env.versions.keyv}, redis ${env.versions['redis-server']}, grammy ${env.versions.grammy}`,
    `medians of ${report.settings.repetitions} runs after ${report.settings.warmup} warm-up`,
  ];
  return [
    header.join('\n'),
    '',
    '## Targets',
    '',
    targetsTable(report.scenarios),
    '',
    '## All figures',
    '',
    measurementsTable(report.scenarios),
    '',
  ].join('\n');
}

function shortLabel(label: string): string {
  return label.split(',')[0] ?? label;
}

/**
 * The targets as a compact Markdown table for a README: one row per target, the
 * baselines by their short names.
 *
 * @example
 * ```ts
 * writeFileSync('table.md', summaryTable(report.scenarios));
 * ```
 */
export function summaryTable(scenarios: readonly ScenarioResult[]): string {
  const lines = [
    row(['scenario', 'chatflow', 'baseline', 'ratio', 'target', 'met']),
    row(['---', '---:', '---', '---:', '---', '---']),
  ];
  for (const scenario of scenarios) {
    for (const target of scenario.targets) {
      lines.push(
        row([
          `${scenario.title}: ${target.label}`,
          target.chatflow ? withUnit(target.chatflow.value, target.chatflow.unit) : 'not available',
          target.baselines.length === 0
            ? '—'
            : target.baselines
                .map((b) => `${withUnit(b.value, b.unit)} ${shortLabel(b.label)}`)
                .join('; '),
          target.ratio === null ? '—' : `${target.ratio.toFixed(2)}x`,
          target.target,
          target.met === null ? 'n/a' : target.met ? 'yes' : '**no**',
        ]),
      );
    }
  }
  return lines.join('\n');
}
