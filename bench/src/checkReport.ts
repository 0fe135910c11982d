/**
 * Checks a written bench report: valid JSON of the report's shape, and no scenario that
 * failed to run. CI runs it after `pnpm bench -- --quick` so the bench code never rots;
 * it says nothing about speed.
 *
 * Usage: `tsx src/checkReport.ts [results/quick.json]`
 */
import { readFileSync } from 'node:fs';
import { assertReport } from './validateReport.ts';

const file = process.argv[2] ?? 'results/quick.json';
const report: unknown = JSON.parse(readFileSync(file, 'utf8'));
assertReport(report);
const failed = report.scenarios.filter((scenario) => scenario.status === 'failed');
for (const scenario of failed) {
  console.error(`scenario ${scenario.id} failed: ${scenario.error ?? 'no message'}`);
}
console.log(`${file}: ${report.scenarios.length} scenarios, ${failed.length} failed`);
process.exitCode = failed.length === 0 ? 0 : 1;
