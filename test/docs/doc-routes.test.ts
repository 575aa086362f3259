// Every REST route the guides name exists: `METHOD /v1/...` in prose and `localhost:8080/v1/...` in
// commands must match a route of the live OpenAPI document, so a renamed or removed route cannot
// leave a guide pointing at nothing.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fetchOpenApiDocument } from '../../scripts/docs/openapi-document.ts';
import { codeBlocks } from './markdown-blocks.ts';

const GUIDES = [
  'docs/getting-started.md',
  'docs/rule-authoring.md',
  'docs/operations.md',
  'docs/architecture.md',
  'docs/api.md',
  'docs/security-model.md',
  'docs/deploy-envoy.md',
  'docs/deploy-apigee.md',
  'docs/filter-config.md',
  'docs/dashboard.md',
  'docs/posture.md',
];

let routes: { method: string; segments: string[] }[];

before(async () => {
  const doc = await fetchOpenApiDocument();
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), segments: path.split('/') })),
  );
});

/** A `{name}` on either side matches any one segment. */
function matches(template: string[], path: string[]): boolean {
  const param = (s: string) => s.startsWith('{') && s.endsWith('}');
  return template.length === path.length && template.every((t, i) => t === path[i] || param(t) || param(path[i]!));
}

function exists(method: string | undefined, path: string): boolean {
  const segments = path.split('/');
  return routes.some((r) => (method === undefined || r.method === method) && matches(r.segments, segments));
}

/** The text of a document outside its fenced blocks (examples there may show other APIs). */
function prose(markdown: string): string {
  let out = markdown;
  for (const b of codeBlocks(markdown)) out = out.replace(b.text, '');
  return out;
}

test('every route a guide names is a route of the API', () => {
  const missing: string[] = [];
  let checked = 0;
  for (const file of GUIDES) {
    const markdown = readFileSync(new URL('../../' + file, import.meta.url), 'utf8');
    for (const m of prose(markdown).matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/v1\/[A-Za-z0-9_/{}.-]*[A-Za-z0-9_}])/g)) {
      checked++;
      if (!exists(m[1], m[2]!)) missing.push(`${file}: ${m[1]} ${m[2]}`);
    }
    for (const m of markdown.matchAll(/localhost:8080(\/v1\/[A-Za-z0-9_/{}.-]*[A-Za-z0-9_}])/g)) {
      checked++;
      if (!exists(undefined, m[1]!)) missing.push(`${file}: ${m[1]}`);
    }
  }
  assert.ok(checked >= 40, `only ${checked} route mentions found: is the pattern still right?`);
  assert.deepEqual(missing, []);
});

test('a route that does not exist is caught', () => {
  assert.equal(exists('GET', '/v1/rules/versions/7'), true);
  assert.equal(exists('DELETE', '/v1/rules/versions/7'), false);
  assert.equal(exists(undefined, '/v1/nothing-here'), false);
});
