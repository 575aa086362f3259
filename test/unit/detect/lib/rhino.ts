// Runs the ES5 detection engine in real Rhino (/usr/bin/rhino) over a batch of messages through
// test/unit/detect/rhino/scan-driver.js: one JVM for the whole batch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineSource, ROOT } from './es5-engine.ts';
import type { Finding } from './es5-engine.ts';

export const RHINO_DRIVER = join(ROOT, 'test', 'unit', 'detect', 'rhino', 'scan-driver.js');

export interface RhinoBatch {
  results: Array<Finding[] | { error: string }>;
  ms: number;
}

/** Scans `messages` in Rhino; `opt` is Rhino's optimisation level (-1 = interpreter). */
export function scanInRhino(
  ruleSet: unknown,
  messages: unknown[],
  options: { repeat?: number; opt?: number; limits?: unknown } = {},
): RhinoBatch {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-rhino-'));
  try {
    const engine = join(dir, 'engine.js');
    const jobs = join(dir, 'jobs.json');
    writeFileSync(engine, engineSource());
    writeFileSync(jobs, JSON.stringify({ ruleSet, messages, repeat: options.repeat ?? 1, limits: options.limits ?? {} }));
    const args = ['-opt', String(options.opt ?? -1), '-encoding', 'UTF-8', RHINO_DRIVER, engine, jobs];
    const run = spawnSync('rhino', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
    if (run.status !== 0) throw new Error(`rhino exited ${run.status}: ${run.stderr || run.stdout}`);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    return JSON.parse(line) as RhinoBatch;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
