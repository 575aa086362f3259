import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { evaluate } from '../../scripts/eval-openapi.ts';
import { generateExchanges, groundTruth } from '../../scripts/gen-traffic/generate.ts';
import { runDiscoverCli } from './discover-cli.ts';
import { validateOpenApi } from './openapi-validate.ts';

function sink() {
  let text = '';
  return {
    write: (s: string) => ((text += s), true),
    get text() {
      return text;
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'palisade-discover-'));

async function run(args: string[]) {
  const out = sink();
  const err = sink();
  const code = await runDiscoverCli(args, out, err);
  return { code, out: out.text, err: err.text };
}

test('JSON Lines capture → merged YAML OpenAPI 3.1 that scores endpoint-template F1 ≥ 0.98 against the truth', async () => {
  const capture = join(dir, 'traffic.jsonl');
  writeFileSync(capture, [...generateExchanges(4000, 11)].map((e) => JSON.stringify(e)).join('\n') + '\n{not json}\n');
  const out = join(dir, 'openapi.yaml');
  const r = await run([capture, '--out', out, '--merge']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /skipped line 4001: not JSON/);
  const doc = parseYaml(readFileSync(out, 'utf8')) as Record<string, unknown>;
  assert.equal((await validateOpenApi(doc)).valid, true);
  // The merged document keeps which hosts serve each path (Path Item servers), so it scores alone.
  const merged = evaluate(groundTruth(11), [doc]);
  assert.ok(merged.endpoints.f1 >= 0.98, `merged endpoint F1 ${merged.endpoints.f1}: extra ${merged.extra.slice(0, 5).join(', ')}`);
  // And one document per host scores the same way.
  const per = await run([capture, '--out', join(dir, 'per.json')]);
  assert.equal(per.code, 0, per.err);
  const docs = ['shop.example.com', 'api.bank.example', 'code.example.dev', 'api.telco.example'].map(
    (h) => JSON.parse(readFileSync(join(dir, `per.${h}.json`), 'utf8')) as Record<string, unknown>,
  );
  const ev = evaluate(groundTruth(11), docs);
  assert.ok(ev.endpoints.f1 >= 0.98, `endpoint F1 ${ev.endpoints.f1}: missing ${ev.missing.join(', ')}; extra ${ev.extra.join(', ')}`);
  assert.ok(ev.parameters.f1 >= 0.9, `parameter F1 ${ev.parameters.f1}`);
});

test('HAR 1.2 capture with --spec writes conformance findings in the documented shape', async () => {
  const har = {
    log: {
      version: '1.2',
      entries: [
        ...Array.from({ length: 5 }, (_, i) => ({
          startedDateTime: '2026-01-01T00:00:00Z',
          request: { method: 'GET', url: `https://api.example.com/items/${100 + i}?debug=1`, headers: [] },
          response: {
            status: 200,
            headers: [{ name: 'Content-Type', value: 'application/json' }],
            content: { mimeType: 'application/json', text: JSON.stringify({ id: 100 + i }) },
          },
        })),
        {
          startedDateTime: '2026-01-01T00:00:01Z',
          request: { method: 'POST', url: 'https://api.example.com/items/7', headers: [] },
          response: { status: 500, headers: [], content: {} },
        },
        {
          startedDateTime: '2026-01-01T00:00:02Z',
          request: { method: 'GET', url: 'https://api.example.com/admin', headers: [] },
          response: { status: 200, headers: [], content: {} },
        },
      ],
    },
  };
  const capture = join(dir, 'capture.har');
  writeFileSync(capture, JSON.stringify(har));
  const spec = join(dir, 'spec.yaml');
  writeFileSync(
    spec,
    `openapi: 3.0.3\ninfo: { title: Items, version: '1' }\npaths:\n  /items/{id}:\n    get:\n      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]\n      responses: { '200': { description: ok, content: { application/json: { schema: { type: object, properties: { id: { type: string } } } } } } }\n`,
  );
  const findings = join(dir, 'findings.json');
  const r = await run([capture, '--out', join(dir, 'har.json'), '--spec', spec, '--findings', findings]);
  assert.equal(r.code, 0, r.err);
  const list = JSON.parse(readFileSync(findings, 'utf8')) as {
    method: string;
    path: string;
    kind: string;
    detail: string;
    count: number;
  }[];
  const kinds = list.map((f) => `${f.kind} ${f.method} ${f.path} ${f.count}`).sort();
  assert.deepEqual(kinds, [
    'shadow GET /admin 1',
    'type-mismatch GET /items/{id} 5',
    'undocumented-method POST /items/{id} 1',
    'undocumented-param GET /items/{id} 5',
    'undocumented-path GET /admin 1',
  ]);
  for (const f of list) assert.deepEqual(Object.keys(f).sort(), ['count', 'detail', 'kind', 'method', 'path']);
});

test('bad invocations and inputs: usage errors exit 2, unreadable inputs exit 1 with a clear message', async () => {
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['x.jsonl'])).code, 2);
  assert.equal((await run(['x.jsonl', '--out', 'o.json', '--findings', 'f.json'])).code, 2);
  const missing = await run([join(dir, 'nope.jsonl'), '--out', join(dir, 'o.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no such file/);
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, 'garbage\n');
  assert.match((await run([empty, '--out', join(dir, 'o.json')])).err, /no exchange could be read/);
  const badSpec = join(dir, 'bad.yaml');
  writeFileSync(
    badSpec,
    'openapi: 3.0.0\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "http://169.254.169.254/x"}}}}}\n',
  );
  const r = await run([empty, '--out', join(dir, 'o.json'), '--spec', badSpec]);
  assert.equal(r.code, 1);
  assert.match(r.err, /PAL-SPEC-REMOTE-REF/);
});
