// The user-editable part of risk scoring: custom categories and factors (a condition + a weight)
// and overrides of built-in weights. Every change yields a new immutable version; scores always say
// which version produced them.
import { compileCondition, ConditionError, type Predicate } from './risk-conditions.ts';
import { BUILTIN_FACTORS } from './risk-factors.ts';

export interface CustomFactor {
  /** Lower-kebab id, unique in the model. */
  id: string;
  /** A category of the user's choosing (`compliance`, `business-critical`) or a built-in one. */
  category: string;
  name: string;
  /** Points added when the condition holds, 0–100. */
  weight: number;
  condition: unknown;
  description?: string;
}

export interface RiskModel {
  version: number;
  custom: readonly CustomFactor[];
  /** Built-in factor id → weight. */
  weights: Readonly<Record<string, number>>;
  /** Countries clients are expected from (ISO 3166 alpha-2). */
  expectedCountries: readonly string[];
  /** Risk score thresholds whose crossing is a posture event. */
  thresholds: readonly number[];
  updatedAt: number;
}

export type RiskModelChange =
  | { op: 'upsert-factor'; factor: CustomFactor }
  | { op: 'remove-factor'; id: string }
  | { op: 'set-weight'; id: string; weight: number }
  | { op: 'set-expected-countries'; countries: string[] }
  | { op: 'set-thresholds'; thresholds: number[] };

export class RiskModelError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'RiskModelError';
    this.path = path;
  }
}

export const INITIAL_RISK_MODEL: RiskModel = Object.freeze({
  version: 1,
  custom: [],
  weights: Object.freeze(Object.fromEntries(BUILTIN_FACTORS.map((f) => [f.id, f.weight]))),
  expectedCountries: [],
  thresholds: [40, 70, 90],
  updatedAt: 0,
});

function checkWeight(path: string, w: unknown): number {
  if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 100) throw new RiskModelError(path, 'must be a number from 0 to 100');
  return w;
}

/** Validates a custom factor (including its condition); returns it with the compiled predicate. */
export function validateFactor(raw: unknown, path = 'factor'): { factor: CustomFactor; predicate: Predicate } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new RiskModelError(path, 'must be an object');
  const f = raw as Record<string, unknown>;
  if (typeof f.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(f.id))
    throw new RiskModelError(`${path}.id`, 'must be 1-64 lower-case letters, digits or dashes');
  if (BUILTIN_FACTORS.some((b) => b.id === f.id)) throw new RiskModelError(`${path}.id`, `"${f.id}" is a built-in factor; use set-weight`);
  if (typeof f.category !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(f.category))
    throw new RiskModelError(`${path}.category`, 'must be 1-64 lower-case letters, digits or dashes');
  if (typeof f.name !== 'string' || f.name.length === 0 || f.name.length > 200)
    throw new RiskModelError(`${path}.name`, 'must be a string of 1-200 characters');
  const weight = checkWeight(`${path}.weight`, f.weight);
  if (f.description !== undefined && (typeof f.description !== 'string' || f.description.length > 2000))
    throw new RiskModelError(`${path}.description`, 'must be a string of at most 2000 characters');
  let predicate: Predicate;
  try {
    predicate = compileCondition(f.condition, `${path}.condition`);
  } catch (e) {
    if (e instanceof ConditionError) throw new RiskModelError(e.path, e.message.slice(e.path.length + 2));
    throw e;
  }
  const factor: CustomFactor = {
    id: f.id,
    category: f.category,
    name: f.name,
    weight,
    condition: f.condition,
    ...(typeof f.description === 'string' ? { description: f.description } : {}),
  };
  return { factor, predicate };
}

/** The next version of the model. Throws RiskModelError; the current model is never changed. */
export function applyRiskModelChange(model: RiskModel, change: RiskModelChange, now: number): RiskModel {
  let custom = [...model.custom];
  let weights = { ...model.weights };
  let expectedCountries = model.expectedCountries;
  let thresholds = model.thresholds;
  switch (change.op) {
    case 'upsert-factor': {
      const { factor } = validateFactor(change.factor);
      custom = [...custom.filter((f) => f.id !== factor.id), factor].sort((a, b) => (a.id < b.id ? -1 : 1));
      break;
    }
    case 'remove-factor':
      if (!custom.some((f) => f.id === change.id)) throw new RiskModelError('id', `no custom factor "${change.id}"`);
      custom = custom.filter((f) => f.id !== change.id);
      break;
    case 'set-weight':
      if (!(change.id in weights)) throw new RiskModelError('id', `no built-in factor "${change.id}"`);
      weights = { ...weights, [change.id]: checkWeight('weight', change.weight) };
      break;
    case 'set-expected-countries':
      if (!Array.isArray(change.countries) || !change.countries.every((c) => typeof c === 'string' && /^[A-Z]{2}$/.test(c)))
        throw new RiskModelError('countries', 'must be ISO 3166 alpha-2 codes (upper case)');
      expectedCountries = [...new Set(change.countries)].sort();
      break;
    case 'set-thresholds':
      if (
        !Array.isArray(change.thresholds) ||
        change.thresholds.length > 10 ||
        !change.thresholds.every((t) => typeof t === 'number' && t > 0 && t <= 100)
      )
        throw new RiskModelError('thresholds', 'must be up to 10 numbers in (0, 100]');
      thresholds = [...new Set(change.thresholds)].sort((a, b) => a - b);
      break;
    default:
      throw new RiskModelError('op', 'must be one of upsert-factor, remove-factor, set-weight, set-expected-countries, set-thresholds');
  }
  return Object.freeze({ version: model.version + 1, custom, weights, expectedCountries, thresholds, updatedAt: now });
}
