// Validation of what users publish: a RuleSource (admin.proto) in canonical proto JSON. Two
// passes, both reporting EVERY problem with its JSON path: the JSON Schema derived from the
// contract (types, enum names, unknown fields), then the semantic rules a schema cannot say
// (unique ids, CIDRs, path templates, rate-limit parameters, finding types that exist, ...).
import { Ajv } from 'ajv';
import type { FieldError } from '../errors/catalogue.ts';
import { fieldErrorsOf } from '../errors/schema-errors.ts';
import { standaloneSchema } from './proto-json-schema.ts';
import type { RuleSource } from '../../proto/gen/palisade/v1/RuleSource.ts';
import type { Policy } from '../../proto/gen/palisade/v1/Policy.ts';
import type { DetectorSource } from '../../proto/gen/palisade/v1/DetectorSource.ts';
import type { Settings } from '../../proto/gen/palisade/v1/Settings.ts';
import {
  cidrProblem,
  detectorIdProblem,
  headerNameProblem,
  hostPatternProblem,
  mediaRangeProblem,
  methodProblem,
  pathTemplateProblem,
  policyIdProblem,
} from './match-syntax.ts';

/** Bounds that keep one RuleSet small enough for every gateway (a WASM VM, an Apigee cache entry). */
export const RULE_LIMITS = Object.freeze({
  detectors: 256,
  policies: 1000,
  listItems: 256,
  patternLength: 1024,
  nameLength: 200,
  keywordLength: 64,
  blockBodyBytes: 16 * 1024,
  maxBodyBytes: 16 * 1024 * 1024,
  contextDistance: 4096,
});

export interface ValidationContext {
  /** Ids of the built-in detectors (the detection engine's set). */
  builtInDetectorIds: ReadonlySet<string>;
  /** The detection engine's own checks of a custom detector (paths relative to it). */
  validateDetector?(d: DetectorSource): { path: string; message: string }[];
}

export type ValidationResult = { ok: true; source: RuleSource } | { ok: false; errors: FieldError[] };

const ajv = new Ajv({ allErrors: true, strict: false });
const schemaCheck = ajv.compile(standaloneSchema('RuleSource'));

/** Validates `input` (parsed JSON); on success returns it typed as a RuleSource. */
export function validateRuleSource(input: unknown, ctx: ValidationContext): ValidationResult {
  if (!schemaCheck(input)) return { ok: false, errors: fieldErrorsOf(schemaCheck.errors) };
  const source = input as RuleSource;
  const errors: FieldError[] = [];
  const err = (path: string, message: string | null) => {
    if (message) errors.push({ path, message });
  };
  const detectors = source.detectors ?? [];
  const policies = source.policies ?? [];
  if (detectors.length > RULE_LIMITS.detectors) err('$.detectors', `must hold at most ${RULE_LIMITS.detectors} detectors`);
  if (policies.length > RULE_LIMITS.policies) err('$.policies', `must hold at most ${RULE_LIMITS.policies} policies`);

  const disabled = new Set<string>();
  (source.disabledDetectors ?? []).forEach((id, i) => {
    const p = `$.disabledDetectors[${i}]`;
    if (!ctx.builtInDetectorIds.has(id)) err(p, `'${id}' is not a built-in detector`);
    else if (disabled.has(id)) err(p, `'${id}' is listed twice`);
    disabled.add(id);
  });

  const customIds = new Set<string>();
  detectors.forEach((d, i) => {
    const before = errors.length;
    checkDetector(d, `$.detectors[${i}]`, err);
    // The engine knows what it cannot compile (state budgets, unsupported syntax); ask it only
    // about detectors that passed the plain checks, so one problem is not reported twice.
    if (errors.length === before && ctx.validateDetector) {
      for (const e of ctx.validateDetector(d)) err(`$.detectors[${i}]${e.path.slice(1)}`, e.message);
    }
    if (!d.id) return;
    if (customIds.has(d.id)) err(`$.detectors[${i}].id`, `duplicate detector id '${d.id}'`);
    else if (ctx.builtInDetectorIds.has(d.id)) err(`$.detectors[${i}].id`, `'${d.id}' is the id of a built-in detector`);
    customIds.add(d.id);
  });

  const known = (id: string) => customIds.has(id) || (ctx.builtInDetectorIds.has(id) && !disabled.has(id));
  const policyIds = new Set<string>();
  policies.forEach((p, i) => {
    const path = `$.policies[${i}]`;
    checkPolicy(p, path, known, disabled, err);
    if (p.id && policyIds.has(p.id)) err(`${path}.id`, `duplicate policy id '${p.id}'`);
    if (p.id) policyIds.add(p.id);
  });

  if (source.settings) checkSettings(source.settings, '$.settings', err);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, source };
}

type Report = (path: string, message: string | null) => void;

function checkList(values: string[] | undefined, path: string, err: Report, check: (v: string) => string | null): void {
  if (!values) return;
  if (values.length > RULE_LIMITS.listItems) err(path, `must hold at most ${RULE_LIMITS.listItems} items`);
  const seen = new Set<string>();
  values.forEach((v, i) => {
    err(`${path}[${i}]`, check(v));
    if (seen.has(v)) err(`${path}[${i}]`, `'${v}' is listed twice`);
    seen.add(v);
  });
}

function percent(value: number | undefined, path: string, err: Report): void {
  if (value !== undefined && value > 100) err(path, 'must be a percentage, 0-100');
}

function checkDetector(d: DetectorSource, path: string, err: Report): void {
  if (!d.id) err(`${path}.id`, 'is required');
  else err(`${path}.id`, detectorIdProblem(d.id));
  if (!d.name) err(`${path}.name`, 'is required');
  else if (d.name.length > RULE_LIMITS.nameLength) err(`${path}.name`, `must be at most ${RULE_LIMITS.nameLength} characters`);
  if (!d.pattern) err(`${path}.pattern`, 'is required');
  else err(`${path}.pattern`, patternProblem(d.pattern, d.flags ?? ''));
  if (d.flags && !/^i?$/.test(d.flags)) err(`${path}.flags`, "only the 'i' flag is supported");
  if (!d.category || d.category === 'DATA_CATEGORY_UNSPECIFIED') err(`${path}.category`, 'is required');
  if (!d.severity || d.severity === 'SEVERITY_UNSPECIFIED') err(`${path}.severity`, 'is required');
  percent(d.baseConfidence, `${path}.baseConfidence`, err);
  percent(d.minConfidence, `${path}.minConfidence`, err);
  const c = d.context;
  if (c) {
    const keyword = (v: string) =>
      v.length === 0 || v.length > RULE_LIMITS.keywordLength ? `must be 1-${RULE_LIMITS.keywordLength} characters` : null;
    const lower = (v: string) => keyword(v) ?? (v === v.toLowerCase() ? null : 'must be lower case');
    checkList(c.keys, `${path}.context.keys`, err, lower);
    checkList(c.positiveKeywords, `${path}.context.positiveKeywords`, err, lower);
    checkList(c.negativeKeywords, `${path}.context.negativeKeywords`, err, lower);
    if (c.distance !== undefined && c.distance > RULE_LIMITS.contextDistance) {
      err(`${path}.context.distance`, `must be at most ${RULE_LIMITS.contextDistance} bytes`);
    }
    percent(c.boost, `${path}.context.boost`, err);
    percent(c.penalty, `${path}.context.penalty`, err);
  }
}

/** What the DFA compiler cannot take is refused here with a plain message; the compiler has the
 * last word (its errors are reported on the same path). */
export function patternProblem(pattern: string, flags: string): string | null {
  if (pattern.length > RULE_LIMITS.patternLength) return `must be at most ${RULE_LIMITS.patternLength} characters`;
  try {
    new RegExp(pattern, /^i?$/.test(flags) ? flags : '');
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references cannot be compiled to a DFA';
  if (/\(\?<?[=!]/.test(pattern)) return 'look-around cannot be compiled to a DFA';
  if (pattern.length > 0 && new RegExp(pattern, flags.includes('i') ? 'i' : '').test('')) return 'must not match the empty string';
  return null;
}

function checkPolicy(p: Policy, path: string, known: (id: string) => boolean, disabled: Set<string>, err: Report): void {
  if (!p.id) err(`${path}.id`, 'is required');
  else err(`${path}.id`, policyIdProblem(p.id));
  if (p.name && p.name.length > RULE_LIMITS.nameLength) err(`${path}.name`, `must be at most ${RULE_LIMITS.nameLength} characters`);
  if (!p.action || p.action === 'ACTION_UNSPECIFIED') err(`${path}.action`, 'is required (ACTION_LOG, ACTION_RATE_LIMIT or ACTION_BLOCK)');
  const m = p.match;
  if (m) {
    checkList(m.hosts, `${path}.match.hosts`, err, hostPatternProblem);
    checkList(m.methods, `${path}.match.methods`, err, methodProblem);
    checkList(m.paths, `${path}.match.paths`, err, pathTemplateProblem);
    checkList(m.clientCidrs, `${path}.match.clientCidrs`, err, cidrProblem);
    checkList(m.findingTypes, `${path}.match.findingTypes`, err, (id) =>
      known(id) ? null : disabled.has(id) ? `detector '${id}' is disabled in this source` : `no detector has id '${id}'`,
    );
    (m.headers ?? []).forEach((h, i) => {
      const hp = `${path}.match.headers[${i}]`;
      if (!h.name) err(`${hp}.name`, 'is required');
      else err(`${hp}.name`, headerNameProblem(h.name));
      if (h.exact === undefined && h.prefix === undefined && h.present === undefined) {
        err(hp, 'needs one test: exact, prefix or present');
      }
    });
  }
  const rl = p.rateLimit;
  if (p.action === 'ACTION_RATE_LIMIT') {
    if (!rl) err(`${path}.rateLimit`, 'is required for ACTION_RATE_LIMIT');
    else {
      if (!rl.rate) err(`${path}.rateLimit.rate`, 'must be at least 1 for ACTION_RATE_LIMIT');
      if (!rl.key || rl.key === 'RATE_LIMIT_KEY_UNSPECIFIED') err(`${path}.rateLimit.key`, 'is required for ACTION_RATE_LIMIT');
      if (rl.burst && rl.rate && rl.burst < rl.rate) err(`${path}.rateLimit.burst`, 'must be 0 (= rate) or at least rate');
      if (rl.periodSeconds !== undefined && rl.periodSeconds > 86400) err(`${path}.rateLimit.periodSeconds`, 'must be at most 86400');
    }
  } else if (rl) {
    err(`${path}.rateLimit`, 'is only allowed with ACTION_RATE_LIMIT');
  }
  if (rl) {
    if (rl.key === 'RATE_LIMIT_KEY_HEADER') {
      if (!rl.header) err(`${path}.rateLimit.header`, 'is required when key is RATE_LIMIT_KEY_HEADER');
      else err(`${path}.rateLimit.header`, headerNameProblem(rl.header));
    } else if (rl.header) err(`${path}.rateLimit.header`, 'is only used with RATE_LIMIT_KEY_HEADER');
  }
  const b = p.block;
  if (b) {
    if (p.action !== 'ACTION_BLOCK') err(`${path}.block`, 'is only allowed with ACTION_BLOCK');
    if (b.status && (b.status < 200 || b.status > 599)) err(`${path}.block.status`, 'must be an HTTP status 200-599');
    if (b.body && Buffer.byteLength(b.body) > RULE_LIMITS.blockBodyBytes) {
      err(`${path}.block.body`, `must be at most ${RULE_LIMITS.blockBodyBytes} bytes`);
    }
    if (b.contentType && !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(;.*)?$/i.test(b.contentType)) {
      err(`${path}.block.contentType`, 'must be a media type');
    }
  }
}

function checkSettings(s: Settings, path: string, err: Report): void {
  if (s.maxBodyBytes !== undefined && s.maxBodyBytes > RULE_LIMITS.maxBodyBytes) {
    err(`${path}.maxBodyBytes`, `must be at most ${RULE_LIMITS.maxBodyBytes}`);
  }
  checkList(s.inspectContentTypes, `${path}.inspectContentTypes`, err, mediaRangeProblem);
  percent(s.samplePercent, `${path}.samplePercent`, err);
  percent(s.minConfidence, `${path}.minConfidence`, err);
  if (s.maxFindingsPerEvent !== undefined && s.maxFindingsPerEvent > 1000) err(`${path}.maxFindingsPerEvent`, 'must be at most 1000');
  if (s.maxShapeFields !== undefined && s.maxShapeFields > 10000) err(`${path}.maxShapeFields`, 'must be at most 10000');
}
