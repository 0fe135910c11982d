/**
 * `pnpm bench`: runs every scenario, prints the tables and writes
 * `results/latest.json` (`results/quick.json` with `--quick`).
 *
 * Flags: `--quick`, `--only=<scenario>,<scenario>`, `--variants=<name>,<name>` (e.g.
 * `chatflow`, to profile one side), `--out=<file>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport } from './report.ts';
import { runBench } from './runBench.ts';

const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const quick = process.argv.includes('--quick');
const only = flag('only')
  ?.split(',')
  .map((id) => id.trim())
  .filter(Boolean);

const variants = flag('variants')
  ?.split(',')
  .map((id) => id.trim())
  .filter(Boolean);

const report = await runBench({
  quick,
  ...(only ? { only } : {}),
  ...(variants ? { variants } : {}),
  log: (message) => process.stderr.write(`${message}\n`),
});

const out = flag('out') ?? path.join(resultsDir, quick ? 'quick.json' : 'latest.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(renderReport(report));
process.stdout.write(`\nwritten: ${path.relative(process.cwd(), out)}\n`);
