// Risk score 0–100 per endpoint: the sum of weight × strength over the factors that apply, capped
// at 100. The breakdown lists every contributing factor, so the number can always be explained.
import type { EndpointAttributes } from './endpoint-attributes.ts';
import type { InventoryEndpoint } from './model.ts';
import type { Predicate } from './risk-conditions.ts';
import { BUILTIN_FACTORS } from './risk-factors.ts';
import { validateFactor, type RiskModel } from './risk-model.ts';

export interface RiskContribution {
  factor: string;
  category: string;
  name: string;
  weight: number;
  /** How strongly the factor applies, 0..1. */
  value: number;
  points: number;
  evidence: string;
  custom: boolean;
}

export interface RiskScore {
  score: number;
  modelVersion: number;
  breakdown: RiskContribution[];
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Compiles a model once; the returned scorer is what regenerating 10,000 endpoints calls. */
export function riskScorer(model: RiskModel): (endpoint: InventoryEndpoint, attrs: EndpointAttributes) => RiskScore {
  const custom: { id: string; category: string; name: string; weight: number; predicate: Predicate }[] = model.custom.map((f) => {
    const { predicate } = validateFactor(f);
    return { id: f.id, category: f.category, name: f.name, weight: f.weight, predicate };
  });
  return (endpoint, attrs) => {
    const breakdown: RiskContribution[] = [];
    for (const f of BUILTIN_FACTORS) {
      const weight = model.weights[f.id] ?? f.weight;
      if (weight <= 0) continue;
      const r = f.evaluate({ attrs, endpoint, expectedCountries: model.expectedCountries });
      if (!r || r.value <= 0) continue;
      breakdown.push({
        factor: f.id,
        category: f.category,
        name: f.name,
        weight,
        value: round1(r.value * 100) / 100,
        points: round1(weight * r.value),
        evidence: r.evidence,
        custom: false,
      });
    }
    for (const f of custom) {
      if (f.weight > 0 && f.predicate(attrs))
        breakdown.push({
          factor: f.id,
          category: f.category,
          name: f.name,
          weight: f.weight,
          value: 1,
          points: f.weight,
          evidence: 'condition holds',
          custom: true,
        });
    }
    breakdown.sort((a, b) => b.points - a.points);
    const total = breakdown.reduce((s, c) => s + c.points, 0);
    return { score: Math.min(100, Math.round(total)), modelVersion: model.version, breakdown };
  };
}
