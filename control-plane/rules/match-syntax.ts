// Syntax of the values a policy's Match may hold (rules.proto `Match`). Each check returns null
// when the value is well-formed, else the rule it breaks, so the validator can report every
// problem with its path. Gateways get these values verbatim: anything accepted here must be
// something the filter and the Apigee policy can match without re-validating.
import { isIP } from 'node:net';

/** `10.0.0.0/8`, `2001:db8::/32`; a bare address is a single host. Host bits must be zero. */
export function cidrProblem(value: string): string | null {
  const slash = value.indexOf('/');
  const addr = slash < 0 ? value : value.slice(0, slash);
  const family = isIP(addr);
  if (family === 0) return 'must be an IPv4 or IPv6 address with an optional /prefix';
  const max = family === 4 ? 32 : 128;
  if (slash < 0) return null;
  const prefixText = value.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText) || Number(prefixText) > max) return `prefix length must be 0-${max}`;
  const bits = addressBits(addr, family);
  const prefix = Number(prefixText);
  if (bits !== null && prefix < max && (bits & ((1n << BigInt(max - prefix)) - 1n)) !== 0n) {
    return 'has host bits set after the prefix (write the network address)';
  }
  return null;
}

function addressBits(addr: string, family: number): bigint | null {
  if (family === 4) return addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  // Expand `::` and an embedded IPv4 tail into eight 16-bit groups.
  let text = addr;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = addressBits(v4[1]!, 4)!;
    text = text.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

const SEGMENT_PARAM = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const SEGMENT_LITERAL = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]+$/;

/** `/v1/users/{id}` (one segment per `{name}`) or a prefix ending in `/**`. */
export function pathTemplateProblem(value: string): string | null {
  if (!value.startsWith('/')) return "must start with '/'";
  if (value.includes('?') || value.includes('#')) return 'must not contain a query or fragment';
  if (value === '/' || value === '/**') return null;
  const segments = value.slice(1).split('/');
  const names = new Set<string>();
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg === '**') {
      if (i !== segments.length - 1) return "'**' is only allowed as the last segment";
      continue;
    }
    if (seg === '' && i === segments.length - 1) continue; // trailing slash
    if (seg === '') return 'has an empty segment';
    if (seg.includes('{') || seg.includes('}')) {
      if (!SEGMENT_PARAM.test(seg)) return `segment '${seg}' must be a whole '{name}' parameter`;
      if (names.has(seg)) return `parameter ${seg} appears twice`;
      names.add(seg);
      continue;
    }
    if (!SEGMENT_LITERAL.test(seg)) return `segment '${seg}' has characters not allowed in a URL path`;
  }
  return null;
}

/** Lower-case DNS name, optionally `*.` for subdomains. */
export function hostPatternProblem(value: string): string | null {
  const name = value.startsWith('*.') ? value.slice(2) : value;
  if (value !== value.toLowerCase()) return 'must be lower case';
  if (name.length === 0 || name.length > 253) return 'must be a host name of 1-253 characters';
  if (!name.split('.').every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l) || l === '_')) {
    return "must be a host name (letters, digits, '-', dots), optionally starting with '*.'";
  }
  return null;
}

/** RFC 9110 token, upper case by convention of the contract. */
export function methodProblem(value: string): string | null {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) return 'must be an HTTP method token';
  if (value !== value.toUpperCase()) return 'must be upper case';
  return null;
}

/** RFC 9110 field name, lower case (gateways see lower-case names: HTTP/2 and Envoy). */
export function headerNameProblem(value: string): string | null {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) return 'must be an HTTP header name';
  if (value !== value.toLowerCase()) return 'must be lower case';
  return null;
}

/** `application/json`, `text/*`, `*\/*`. */
export function mediaRangeProblem(value: string): string | null {
  const token = "[!#$%&'*+\\-.^_`|~0-9a-z]+";
  if (!new RegExp(`^(\\*/\\*|${token}/(\\*|${token}))$`).test(value)) return "must be a lower-case media type or range ('text/*')";
  return null;
}

/** Detector ids are reported in findings and used as keys everywhere: keep them boring. */
export function detectorIdProblem(value: string): string | null {
  return /^[a-z][a-z0-9_]{1,63}$/.test(value) ? null : 'must be lower_snake_case, 2-64 characters, starting with a letter';
}

/** Policy ids appear in verdicts and logs. */
export function policyIdProblem(value: string): string | null {
  return /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(value) ? null : "must be 1-128 characters of letters, digits, '_', '.', ':', '-'";
}
