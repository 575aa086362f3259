// Rule sets for tests, in canonical proto JSON as GET /v1/rules serves them: the built-in
// detectors (when the build produced them) plus the policies a test is about.
import { existsSync, readFileSync } from 'node:fs';
import { PATHS } from './bundle-fixture.ts';

export type Json = Record<string, unknown>;

/**
 * `detectors: true` includes the compiled built-in detectors (needed for findings); without them
 * the rule set is policies only, which keeps Rhino fast: the ES5 scanner prepares every table of
 * the set on each execution (a fresh scope per execution, as on Apigee).
 */
export function rulesWith(policies: Json[], settings: Json = {}, opts: { detectors?: boolean; version?: string } = {}): string {
  const version = opts.version ?? '7';
  const base =
    opts.detectors && existsSync(PATHS.builtinRules)
      ? (JSON.parse(readFileSync(PATHS.builtinRules, 'utf8')) as Json)
      : { automata: [], detectors: [] };
  return JSON.stringify({ ...base, version, policies, settings: { ...((base.settings as Json) ?? {}), ...settings } });
}

/** A Luhn-valid 16-digit Visa number that is not one of the well-known test numbers. */
export const CARD = '4539148803436467';
export const SSN = '536-22-8457';
