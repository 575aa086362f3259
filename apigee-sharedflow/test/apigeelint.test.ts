// apigeelint on the bundle exactly as each Apigee flavour gets it (bundleFiles, customised like a
// deployment): no errors on Apigee X / hybrid (profile apigeex) nor on Edge (profile apigee, with
// Edge's cache syntax). A control proves ESLint really parses the resources as ES5: a bundle with
// one `let` must fail. The linted resources are generated, so the rc files sit next to the copy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { bundleFiles } from '../tools/bundle.ts';
import { PATHS, ROOT } from './lib/bundle-fixture.ts';

interface LintMessage {
  ruleId: string;
  severity: number;
  message: string;
}
interface LintResult {
  status: number | null;
  errors: string[];
  messages: LintMessage[];
}

function lint(files: Map<string, string>, profile: 'apigeex' | 'apigee'): Promise<LintResult> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-lint-'));
  for (const [rel, text] of files) {
    mkdirSync(dirname(join(dir, 'sharedflowbundle', rel)), { recursive: true });
    writeFileSync(join(dir, 'sharedflowbundle', rel), text);
  }
  // PO025 lints JS resources with the nearest eslint.config.js (ES5, Apigee's globals); PO013
  // (JSHint) with the nearest .jshintrc.
  writeFileSync(join(dir, 'eslint.config.js'), readFileSync(join(PATHS.flowDir, 'test', 'lint', 'bundle-eslint.config.js')));
  writeFileSync(join(dir, '.jshintrc'), readFileSync(join(PATHS.flowDir, 'test', 'lint', 'bundle.jshintrc')));
  const cli = join(ROOT, 'node_modules', 'apigeelint', 'cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '-s', join(dir, 'sharedflowbundle'), '--profile', profile, '-f', 'json.js'], { cwd: dir });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        const report = JSON.parse(out) as { filePath: string; messages: LintMessage[] }[];
        const messages = report.flatMap((f) => f.messages);
        const errors = report.flatMap((f) =>
          f.messages.filter((m) => m.severity === 2).map((m) => `${f.filePath.slice(dir.length)}: ${m.ruleId} ${m.message}`),
        );
        resolve({ status, errors, messages });
      } catch (e) {
        reject(new Error(`apigeelint gave no JSON report (exit ${status}): ${err.slice(-500)} ${(e as Error).message}`));
      }
    });
  });
}

function assertClean(r: LintResult): void {
  assert.deepEqual(r.errors, []);
  const ignored = r.messages.filter((m) => m.ruleId === 'PO025' && /ignored/.test(m.message));
  assert.deepEqual(ignored, [], 'ESLint must lint the resources, not ignore them');
  assert.equal(r.status, 0);
}

// The two full lints run side by side: each takes seconds on the large generated resources.
const x = lint(bundleFiles(PATHS, { flavor: 'x' }).files, 'apigeex');
const edge = lint(bundleFiles(PATHS, { flavor: 'edge' }).files, 'apigee');

describe('apigeelint', () => {
  it('reports no errors on the Apigee X / hybrid bundle (profile apigeex)', async () => assertClean(await x));

  it('reports no errors on the Edge bundle (profile apigee)', async () => assertClean(await edge));

  it('fails a bundle whose JavaScript is not ES5 (control: ESLint really runs in ES5 mode)', async () => {
    // Every resource a one-line stub (cheap to lint), the library one line of ES2015.
    const files = new Map<string, string>();
    for (const [rel, text] of bundleFiles(PATHS).files) files.set(rel, rel.startsWith('resources/jsc/') ? 'var palisadeStub = 1;\n' : text);
    files.set('resources/jsc/palisade-lib.js', 'let palisadeLib = 1;\n');
    const r = await lint(files, 'apigeex');
    assert.ok(
      r.errors.some((e) => /PO025/.test(e) && /palisade-lib\.js/.test(e)),
      r.errors.join('\n'),
    );
    assert.notEqual(r.status, 0);
  });
});
