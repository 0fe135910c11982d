import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toMermaid } from '../src/toMermaid.ts';
import type { WorkflowDefinition } from '../src/types.ts';
import { workflows } from '../src/workflows.ts';

/** Where the diagrams live: `docs/machines/` at the repository root. */
export const diagramsDirectory = fileURLToPath(new URL('../../../docs/machines/', import.meta.url));

/** How to regenerate the diagrams, from the repository root. */
export const regenerateCommand = 'pnpm --filter @chatflow/machines diagrams';

/**
 * The Markdown page of one workflow's diagram: a heading, the workflow's description
 * and the Mermaid source rendered from its machine.
 *
 * @param definition - the workflow
 * @returns the page's content
 */
export function diagramPage(definition: WorkflowDefinition): string {
  return [
    `# ${definition.label} (\`${definition.type}\`, version ${definition.version})`,
    '',
    definition.description,
    '',
    `Rendered from \`${definition.machine.id}\` by \`toMermaid\`; regenerate with \`${regenerateCommand}\`.`,
    '',
    '```mermaid',
    `${toMermaid(definition.machine)}\`\`\``,
    '',
  ].join('\n');
}

/**
 * Every diagram page, by file path.
 *
 * @returns `docs/machines/<workflowType>.md` and its content, for each workflow
 */
export function diagramPages(): { path: string; content: string }[] {
  return Object.values(workflows).map((definition) => ({
    path: join(diagramsDirectory, `${definition.type}.md`),
    content: diagramPage(definition),
  }));
}

async function main(): Promise<void> {
  await mkdir(diagramsDirectory, { recursive: true });
  for (const page of diagramPages()) {
    await writeFile(page.path, page.content);
    console.log(`wrote ${page.path}`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
