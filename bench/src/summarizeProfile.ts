/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and prints where the time went:
 * the top functions by self time and by inclusive time, and self time by package or
 * source file. Usage:
 *
 *   node --import tsx src/summarizeProfile.ts <file.cpuprofile> [--top=25] [--filter=text]
 *
 * `--filter` keeps only the samples whose stack contains a frame matching the text
 * (e.g. `createRuntime` to look inside chatflow's runtime only).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** A `.cpuprofile` as V8 writes it. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One row of a summary: a name and milliseconds. */
export interface ProfileRow {
  name: string;
  ms: number;
  percent: number;
}

/** What {@link summarizeProfile} returns. */
export interface ProfileSummary {
  totalMs: number;
  self: ProfileRow[];
  inclusive: ProfileRow[];
  byPlace: ProfileRow[];
}

function shortUrl(url: string): string {
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pnpm) return `${pnpm[1]}/${pnpm[2]}`;
  const workspace = /\/work\/[^/]+\/(.*)$/.exec(url);
  if (workspace) return workspace[1] as string;
  return url.replace(/^file:\/\//, '');
}

function frameName(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

/** Where a frame lives: a package (`xstate`), a workspace file, or the engine. */
function placeOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(frame.url);
  if (pnpm) return pnpm[1] as string;
  if (frame.url.startsWith('node:')) return frame.url;
  return shortUrl(frame.url);
}

function rows(map: Map<string, number>, totalMs: number, top: number): ProfileRow[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, ms, percent: totalMs > 0 ? (100 * ms) / totalMs : 0 }));
}

/**
 * Summarizes a profile: self and inclusive time per function, self time per place.
 *
 * @example
 * ```ts
 * const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), { top: 20 });
 * ```
 */
export function summarizeProfile(
  profile: CpuProfile,
  options: { top?: number; filter?: string } = {},
): ProfileSummary {
  const top = options.top ?? 25;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    let id: number | undefined = profile.samples[i];
    const stack: CallFrame[] = [];
    while (id !== undefined) {
      const node = byId.get(id);
      if (!node) break;
      stack.push(node.callFrame);
      id = parent.get(id);
    }
    const leaf = stack[0];
    if (!leaf || leaf.functionName === '(idle)' || leaf.functionName === '(program)') continue;
    if (options.filter && !stack.some((f) => frameName(f).includes(options.filter as string)))
      continue;
    totalMs += ms;
    self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + ms);
    byPlace.set(placeOf(leaf), (byPlace.get(placeOf(leaf)) ?? 0) + ms);
    const seen = new Set<string>();
    for (const frame of stack) {
      const name = frameName(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  return {
    totalMs,
    self: rows(self, totalMs, top),
    inclusive: rows(inclusive, totalMs, top),
    byPlace: rows(byPlace, totalMs, top),
  };
}

function print(title: string, list: ProfileRow[]): void {
  process.stdout.write(`\n${title}\n`);
  for (const row of list) {
    process.stdout.write(
      `${row.ms.toFixed(0).padStart(8)} ms ${row.percent.toFixed(1).padStart(5)}%  ${row.name}\n`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  if (!file) {
    process.stderr.write(
      'usage: summarizeProfile.ts <file.cpuprofile> [--top=25] [--filter=text]\n',
    );
    process.exit(2);
  }
  const flag = (name: string) =>
    process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, {
    top: Number(flag('top') ?? 25),
    ...(flag('filter') ? { filter: flag('filter') as string } : {}),
  });
  process.stdout.write(`busy time: ${summary.totalMs.toFixed(0)} ms\n`);
  print('self time by place', summary.byPlace);
  print('self time by function', summary.self);
  print('inclusive time by function', summary.inclusive);
}
