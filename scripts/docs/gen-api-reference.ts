// Writes docs/api-reference.md from the control plane's OpenAPI document.
//   npx tsx scripts/docs/gen-api-reference.ts          write the file
//   npx tsx scripts/docs/gen-api-reference.ts --check  exit 1 when the committed file is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderApiReference, REGENERATE_COMMAND } from './api-reference-markdown.ts';
import { fetchOpenApiDocument } from './openapi-document.ts';

export const API_REFERENCE_PATH = fileURLToPath(new URL('../../docs/api-reference.md', import.meta.url));

export async function generateApiReference(): Promise<string> {
  return renderApiReference(await fetchOpenApiDocument());
}

async function main(argv: string[]): Promise<number> {
  const markdown = await generateApiReference();
  if (argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(API_REFERENCE_PATH, 'utf8');
    } catch {
      // A missing file is stale too.
    }
    if (committed === markdown) return 0;
    process.stderr.write(`docs/api-reference.md is out of date; run: ${REGENERATE_COMMAND}\n`);
    return 1;
  }
  writeFileSync(API_REFERENCE_PATH, markdown);
  process.stderr.write(`wrote docs/api-reference.md (${markdown.length} bytes)\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
