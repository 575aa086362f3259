// docs/rule-authoring.md cannot rot: every ```json rule-example block is a RuleSource that a real
// control plane validates and publishes (compiling its detectors); every rule-example-invalid
// block is refused with exactly the errors of the validate-response block after it; every
// detector-test block, sent to POST /v1/detectors/test, gets exactly the detector-test-response
// block after it; the built-in ids and the settings defaults the document lists are the code's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../control-plane/app.ts';
import { BUILTIN_IDS } from '../../control-plane/detect/index.ts';
import { DEFAULT_SETTINGS } from '../../control-plane/rules/compile-rule-set.ts';
import { codeBlocks, tagged, type CodeBlock } from './markdown-blocks.ts';

const DOC = 'docs/rule-authoring.md';
const markdown = readFileSync(new URL('../../' + DOC, import.meta.url), 'utf8');
const blocks = codeBlocks(markdown);

let cp: ControlPlane;
let dir: string;
let token: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-rule-examples-'));
  // The real detection engine: examples name built-in detectors and compile custom ones.
  cp = await startControlPlane({
    dataDir: dir,
    grpc: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
  });
  token = await cp.createToken('docs', 'operator');
});

after(async () => {
  await cp?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(cp.httpUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

function parse(b: CodeBlock): unknown {
  try {
    return JSON.parse(b.text);
  } catch (e) {
    throw new Error(`${DOC}:${b.line}: the ${b.info[1]} block is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** The block right after `b` in the document, which must carry `tag`. */
function answerOf(b: CodeBlock, tag: string): CodeBlock {
  const next = blocks[blocks.indexOf(b) + 1];
  assert.ok(next && next.info[1] === tag, `${DOC}:${b.line}: a ${b.info[1]} block must be followed by a ${tag} block`);
  return next;
}

test('the document carries the examples this test runs', () => {
  assert.ok(tagged(blocks, 'rule-example').length >= 6, 'expected at least 6 rule-example blocks');
  assert.ok(tagged(blocks, 'rule-example-invalid').length >= 1);
  assert.ok(tagged(blocks, 'detector-test').length >= 1);
});

test('every rule example validates, and publishes unless it disables built-in detectors', async () => {
  for (const b of tagged(blocks, 'rule-example')) {
    const source = parse(b);
    const v = await post('/v1/rules/validate', { source });
    assert.deepEqual(v.body, { valid: true, errors: [] }, `${DOC}:${b.line}: the rule example does not validate`);
    // Publishing compiles custom detectors too. A source that disables built-ins makes the
    // engine recompile every built-in (seconds); validation has checked its ids, so it stops here.
    if ((source as { disabledDetectors?: unknown[] }).disabledDetectors?.length) continue;
    const p = await post('/v1/rules/publish', { source, comment: `${DOC}:${b.line}` });
    assert.equal(p.status, 201, `${DOC}:${b.line}: the rule example does not publish: ${JSON.stringify(p.body)}`);
  }
});

test('every invalid example is refused with exactly the errors the document shows', async () => {
  for (const b of tagged(blocks, 'rule-example-invalid')) {
    const shown = parse(answerOf(b, 'validate-response'));
    const v = await post('/v1/rules/validate', { source: parse(b) });
    assert.equal(v.status, 200);
    assert.deepEqual(v.body, shown, `${DOC}:${b.line}: the validate answer differs from the document`);
    const p = await post('/v1/rules/publish', { source: parse(b) });
    assert.equal(p.status, 422, `${DOC}:${b.line}: publish must refuse the invalid example`);
    assert.deepEqual((p.body as { errors: unknown }).errors, (shown as { errors: unknown }).errors);
  }
});

test('every detector test answers what the document shows', async () => {
  for (const b of tagged(blocks, 'detector-test')) {
    const shown = parse(answerOf(b, 'detector-test-response'));
    const r = await post('/v1/detectors/test', parse(b));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, shown, `${DOC}:${b.line}: the detector test answer differs from the document`);
  }
});

test('the built-in detector ids listed are exactly the built-in detectors', () => {
  const paragraph = /Their ids:\n([\s\S]*?)\(sources in/.exec(markdown)?.[1] ?? '';
  const listed = [...paragraph.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]).sort();
  assert.deepEqual(listed, [...BUILTIN_IDS].sort(), `${DOC}: update the list of built-in ids ("Their ids:")`);
});

test('the settings defaults in the table are the compiler defaults', () => {
  const row = (field: string) => markdown.split('\n').find((l) => l.startsWith('| `' + field + '` |')) ?? '';
  assert.match(row('defaultMode'), new RegExp('`' + DEFAULT_SETTINGS.defaultMode + '`'));
  assert.match(row('maxBodyBytes'), new RegExp(`\\| ${DEFAULT_SETTINGS.maxBodyBytes} `));
  assert.match(row('samplePercent'), new RegExp(`\\| ${DEFAULT_SETTINGS.samplePercent} \\|`));
  assert.match(row('minConfidence'), new RegExp(`\\| ${DEFAULT_SETTINGS.minConfidence} \\|`));
  assert.match(row('maxFindingsPerEvent'), new RegExp(`\\| ${DEFAULT_SETTINGS.maxFindingsPerEvent},`));
  assert.match(row('maxShapeFields'), new RegExp(`\\| ${DEFAULT_SETTINGS.maxShapeFields},`));
  for (const type of DEFAULT_SETTINGS.inspectContentTypes) assert.ok(row('inspectContentTypes').includes('`' + type + '`'), type);
});
