// The Apigee benches' fixed inputs (STYLE.md §11: inputs are files, so runs compare): the 4 KiB
// order with sensitive values, the same order without them, 31 copies of the order (~127 KB,
// under the built-in 128 KiB inspection limit), the request around them, and the budget as shipped
// in sharedflowbundle/policies/JS-InspectRequest.xml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATHS } from '../../../apigee-sharedflow/test/lib/bundle-fixture.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
// The file stays readable (prettier formats it); the message is its compact form, 4096 bytes.
const compact = (file: string) => JSON.stringify(JSON.parse(readFileSync(join(here, 'inputs', file), 'utf8')));
export const body = compact('order-4k.json');
export const cleanBody = compact('order-4k-clean.json');
for (const [file, b] of [
  ['order-4k.json', body],
  ['order-4k-clean.json', cleanBody],
] as const) {
  if (Buffer.byteLength(b) !== 4096) throw new Error(`${file}: compact form is ${Buffer.byteLength(b)} bytes, not 4096`);
}
export const largeBody = JSON.stringify({ orders: Array.from({ length: 31 }, () => JSON.parse(body) as unknown) });

export const headers: [string, string][] = [
  ['Host', 'shop.example.com'],
  ['Content-Type', 'application/json'],
  ['User-Agent', 'bench/1.0'],
];

const inspectXml = readFileSync(join(PATHS.bundleDir, 'policies', 'JS-InspectRequest.xml'), 'utf8');
/** The JavaScript policies' timeLimit as shipped. */
export const shippedTimeLimitMs = Number(/timeLimit="(\d+)"/.exec(inspectXml)?.[1]);
/** The policy's inspection budget as shipped (a property: a string). */
export const shippedBudgetMs = /<Property name="timeBudgetMs">(\d+)</.exec(inspectXml)?.[1] ?? '';
