// The built-in risk factors. Each looks at endpoint attributes and returns how strongly it applies
// (0..1) with the evidence; the score multiplies by the factor's weight. Weights are defaults the
// risk model may override; the list is declared once here and documented in docs/posture.md.
import type { EndpointAttributes } from './endpoint-attributes.ts';
import type { InventoryEndpoint } from './model.ts';

export interface FactorInput {
  attrs: EndpointAttributes;
  endpoint: InventoryEndpoint;
  /** Countries clients are expected from; traffic from elsewhere is unusual. Empty: not judged. */
  expectedCountries: readonly string[];
}

export interface FactorResult {
  value: number;
  evidence: string;
}

export interface BuiltinFactor {
  id: string;
  category: string;
  name: string;
  weight: number;
  evaluate(input: FactorInput): FactorResult | null;
}

/** How bad exposure of each data category is, relative to card data and credentials. */
const CATEGORY_SEVERITY: Record<string, number> = { pci: 1, credentials: 1, cpni: 0.8, pii: 0.7 };

/** Auth schemes by weakness: 1 is no protection at all. */
const AUTH_WEAKNESS: Record<string, number> = {
  none: 1,
  'api-key-query': 0.8,
  basic: 0.7,
  cookie: 0.3,
  'api-key-header': 0.3,
  other: 0.3,
  bearer: 0,
  jwt: 0,
  mtls: 0,
};

export const BUILTIN_FACTORS: readonly BuiltinFactor[] = Object.freeze([
  {
    id: 'sensitive-data',
    category: 'data',
    name: 'Sensitive data in responses',
    weight: 35,
    evaluate({ endpoint }) {
      let worst = 0;
      let volume = 0;
      const types: string[] = [];
      for (const f of endpoint.findings) {
        const sev = CATEGORY_SEVERITY[f.category];
        if (f.direction !== 'response' || sev === undefined || f.count <= 0) continue;
        worst = Math.max(worst, sev);
        volume += f.distinct ?? f.count;
        types.push(f.type);
      }
      if (!worst) return null;
      // Volume scales from half weight (a handful of values) to full (≥1000 distinct values).
      const scale = 0.5 + 0.5 * Math.min(1, Math.log10(1 + volume) / 3);
      return { value: worst * scale, evidence: `${[...new Set(types)].sort().join(', ')} in responses (${volume} values)` };
    },
  },
  {
    id: 'weak-auth',
    category: 'auth',
    name: 'Weak or no authentication',
    weight: 25,
    evaluate({ endpoint }) {
      let worst = 0;
      let why = '';
      for (const a of endpoint.auth) {
        if (a.count <= 0) continue;
        let w = AUTH_WEAKNESS[a.scheme] ?? 0.3;
        let label: string = a.scheme;
        const unsigned = Object.entries(a.jwtAlgs ?? {}).find(([alg, n]) => n > 0 && alg.toLowerCase() === 'none');
        if (a.scheme === 'jwt' && unsigned) {
          w = 1;
          label = 'JWT alg:none (unsigned)';
        }
        if (w > worst) {
          worst = w;
          why = `${label} on ${a.count} of ${endpoint.count} calls`;
        }
      }
      return worst ? { value: worst, evidence: why } : null;
    },
  },
  {
    id: 'external-exposure',
    category: 'exposure',
    name: 'Reachable from outside',
    weight: 10,
    evaluate: ({ attrs }) => (attrs.external ? { value: 1, evidence: 'clients from public addresses' } : null),
  },
  {
    id: 'shadow',
    category: 'inventory',
    name: 'Shadow endpoint',
    weight: 10,
    evaluate: ({ attrs }) => (attrs.shadow ? { value: 1, evidence: 'in no uploaded spec' } : null),
  },
  {
    id: 'zombie',
    category: 'inventory',
    name: 'Zombie endpoint',
    weight: 10,
    evaluate: ({ attrs }) => (attrs.zombie ? { value: 1, evidence: 'deprecated, superseded or dormant yet present' } : null),
  },
  {
    id: 'conformance',
    category: 'conformance',
    name: 'Conformance violations',
    weight: 10,
    evaluate: ({ attrs }) =>
      attrs.violations > 0 ? { value: Math.min(1, attrs.violations / 5), evidence: `${attrs.violations} violations of its spec` } : null,
  },
  {
    id: 'error-rate',
    category: 'errors',
    name: 'Server error rate',
    weight: 5,
    evaluate: ({ attrs }) =>
      attrs.errorRate > 0 ? { value: Math.min(1, attrs.errorRate * 10), evidence: `${(attrs.errorRate * 100).toFixed(1)}% 5xx` } : null,
  },
  {
    id: 'stack-trace-leak',
    category: 'errors',
    name: 'Stack traces in responses',
    weight: 15,
    evaluate: ({ attrs }) =>
      attrs.stackTraceLeaks > 0 ? { value: 1, evidence: `${attrs.stackTraceLeaks} responses leaked stack traces` } : null,
  },
  {
    id: 'unusual-geography',
    category: 'geo',
    name: 'Clients from unusual countries',
    weight: 5,
    evaluate({ endpoint, expectedCountries }) {
      const countries = endpoint.clientCountries;
      if (!countries || expectedCountries.length === 0) return null;
      let total = 0;
      let unusual = 0;
      const seen: string[] = [];
      for (const [c, n] of Object.entries(countries)) {
        total += n;
        if (c !== 'internal' && !expectedCountries.includes(c)) {
          unusual += n;
          seen.push(c);
        }
      }
      if (!unusual) return null;
      return { value: Math.min(1, (unusual / total) * 5), evidence: `${unusual} calls from ${seen.sort().join(', ')}` };
    },
  },
] satisfies BuiltinFactor[]);
