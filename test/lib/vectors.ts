// Reads one folder of shared vectors (test/vectors/<feature>/, one named case per JSON file), in
// file-name order so every runner lists cases alike.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readVectors<T>(feature: string): T[] {
  const dir = new URL(`../vectors/${feature}/`, import.meta.url).pathname;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}
