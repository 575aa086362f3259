// Does one policy's Match apply to an exchange? Pure: every list that is non-empty must match
// (AND across lists, OR within one), as rules.proto documents.
import { findHeader } from "../abi/pairs";
import { Direction, HeaderMatch, HeaderTest, Match } from "./model";
import { FindingFact, RequestInfo } from "./request-info";

function hostMatches(pattern: string, host: string): bool {
  if (pattern.startsWith("*.")) {
    const suffix = pattern.substring(1); // ".example.com"
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return pattern == host;
}

function headerMatches(m: HeaderMatch, req: RequestInfo): bool {
  const value = findHeader(req.headers, m.name);
  let ok = false;
  if (value !== null) {
    if (m.test == HeaderTest.Exact) ok = value == m.value;
    else if (m.test == HeaderTest.Prefix) ok = value.startsWith(m.value);
    else ok = true; // Present, or no test given: presence
  }
  return m.invert ? !ok : ok;
}

/** Findings relevant in `direction` (Unspecified = either) for this match. */
function findingsMatch(m: Match, findings: Array<FindingFact>): bool {
  for (let i = 0, n = findings.length; i < n; i++) {
    const f = findings[i];
    if (m.findingDirection != Direction.Unspecified && f.direction != m.findingDirection) continue;
    if (f.severity < m.minSeverity) continue;
    if (m.findingTypes.length == 0 || m.findingTypes.includes(f.type)) return true;
  }
  return false;
}

export function matchesRequest(m: Match, req: RequestInfo): bool {
  if (m.hosts.length > 0) {
    let any = false;
    for (let i = 0; i < m.hosts.length && !any; i++) any = hostMatches(m.hosts[i], req.host);
    if (!any) return false;
  }
  if (m.methods.length > 0 && !m.methods.includes(req.method)) return false;
  if (m.paths.length > 0) {
    let any = false;
    for (let i = 0; i < m.paths.length && !any; i++) any = m.paths[i].matches(req.path);
    if (!any) return false;
  }
  if (m.cidrs.length > 0) {
    const ip = req.clientIp;
    if (ip === null) return false;
    let any = false;
    for (let i = 0; i < m.cidrs.length && !any; i++) any = m.cidrs[i].contains(ip);
    if (!any) return false;
  }
  for (let i = 0; i < m.headers.length; i++) if (!headerMatches(m.headers[i], req)) return false;
  if (m.authSchemes.length > 0 && !m.authSchemes.includes(req.authScheme)) return false;
  return true;
}

/** Request attributes and, when the match asks for them, findings. */
export function matches(m: Match, req: RequestInfo, findings: Array<FindingFact>): bool {
  if (!matchesRequest(m, req)) return false;
  if (m.needsFindings && !findingsMatch(m, findings)) return false;
  return true;
}
