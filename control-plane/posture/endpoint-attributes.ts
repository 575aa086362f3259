// The flat attributes of an endpoint that risk factors — built-in and user-defined — look at. One
// place computes them, so a custom condition sees exactly what the built-in factors see.
import type { EndpointClass } from './endpoint-classes.ts';
import type { AuthSchemeName, InventoryEndpoint } from './model.ts';

export interface EndpointAttributes {
  host: string;
  method: string;
  path: string;
  count: number;
  /** Share of 5xx responses (0..1). */
  errorRate: number;
  /** Share of 4xx responses (0..1). */
  clientErrorRate: number;
  authSchemes: AuthSchemeName[];
  jwtAlgs: string[];
  findingTypes: string[];
  findingCategories: string[];
  /** Findings in responses (volume of exposure). */
  responseFindings: number;
  stackTraceLeaks: number;
  external: boolean;
  classes: EndpointClass[];
  shadow: boolean;
  zombie: boolean;
  orphaned: boolean;
  violations: number;
  owner: string | null;
  tags: string[];
  countries: string[];
}

/** Attribute names and their kinds, for validating custom conditions. */
export const ATTRIBUTE_KINDS: Readonly<Record<keyof EndpointAttributes, 'string' | 'number' | 'boolean' | 'string[]'>> = Object.freeze({
  host: 'string',
  method: 'string',
  path: 'string',
  count: 'number',
  errorRate: 'number',
  clientErrorRate: 'number',
  authSchemes: 'string[]',
  jwtAlgs: 'string[]',
  findingTypes: 'string[]',
  findingCategories: 'string[]',
  responseFindings: 'number',
  stackTraceLeaks: 'number',
  external: 'boolean',
  classes: 'string[]',
  shadow: 'boolean',
  zombie: 'boolean',
  orphaned: 'boolean',
  violations: 'number',
  owner: 'string',
  tags: 'string[]',
  countries: 'string[]',
});

const isStackTrace = (type: string, category: string): boolean => category === 'errors' || /stack|trace|exception/.test(type);

export function endpointAttributes(e: InventoryEndpoint, classes: readonly EndpointClass[] = [], violations = 0): EndpointAttributes {
  let s5 = 0;
  let s4 = 0;
  let total = 0;
  for (const [code, n] of Object.entries(e.statusCounts)) {
    total += n;
    if (code.startsWith('5')) s5 += n;
    else if (code.startsWith('4')) s4 += n;
  }
  const jwtAlgs = new Set<string>();
  for (const a of e.auth) for (const alg of Object.keys(a.jwtAlgs ?? {})) jwtAlgs.add(alg);
  let responseFindings = 0;
  let stackTraceLeaks = 0;
  for (const f of e.findings) {
    if (f.direction !== 'response') continue;
    if (isStackTrace(f.type, f.category)) stackTraceLeaks += f.count;
    else responseFindings += f.count;
  }
  return {
    host: e.host,
    method: e.method,
    path: e.path,
    count: e.count,
    errorRate: total ? s5 / total : 0,
    clientErrorRate: total ? s4 / total : 0,
    authSchemes: [...new Set(e.auth.filter((a) => a.count > 0).map((a) => a.scheme))].sort(),
    jwtAlgs: [...jwtAlgs].sort(),
    findingTypes: [...new Set(e.findings.map((f) => f.type))].sort(),
    findingCategories: [...new Set(e.findings.map((f) => f.category))].sort(),
    responseFindings,
    stackTraceLeaks,
    external: e.external === true,
    classes: [...new Set(classes)].sort(),
    shadow: classes.includes('shadow'),
    zombie: classes.includes('zombie'),
    orphaned: classes.includes('orphaned'),
    violations,
    owner: e.owner ?? null,
    tags: [...(e.tags ?? [])].sort(),
    countries: Object.keys(e.clientCountries ?? {}).sort(),
  };
}
