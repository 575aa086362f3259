// Decides what happens to an exchange: walks the policies in (priority, index) order. The first
// matching ENFORCE-mode BLOCK or RATE_LIMIT decides; a matching MONITOR-mode one is remembered as
// what would have happened and evaluation goes on (so a policy under trial never shadows an
// enforced one); matching LOGs are recorded. Rate limiting is delegated to a RateLimiter so this
// stays pure for tests and the shared policy vectors.
import { Direction, Policy, PolicyAction, PolicyMode, RateLimitKey, RuleSet } from "./model";
import { matches } from "./match";
import { FindingFact, RequestInfo } from "./request-info";
import { findHeader } from "../abi/pairs";

export class RateOutcome {
  constructor(
    public allowed: bool,
    public retryAfterSeconds: u32,
  ) {}
}

/** Takes one token from the bucket of (policy, key). */
export class RateLimiter {
  take(policy: Policy, key: string): RateOutcome {
    return new RateOutcome(true, 0);
  }
}

/** The `logged` of decisions without LOG matches, shared: only decide() fills a list, its own. */
const NO_LOGGED = new Array<string>();

export class Decision {
  action: u32 = PolicyAction.Unspecified;
  mode: u32 = PolicyMode.Unspecified;
  policyId: string = "";
  policy: Policy | null = null;
  /** True when traffic must actually be changed. */
  enforced: bool = false;
  status: u32 = 0;
  reason: string = "";
  direction: u32 = Direction.Unspecified;
  retryAfterSeconds: u32 = 0;
  /** Bucket key of a RATE_LIMIT decision (for the fleet-wide descriptor header). */
  rateKey: string = "";
  /** Ids of matching LOG policies. */
  logged: Array<string> = NO_LOGGED;
}

let lastIpText = "";
let lastIpKey = "";

/** Bucket key of `policy` for this request; "" when the key is absent (no bucket applies). */
export function rateKeyFor(policy: Policy, req: RequestInfo): string {
  const rl = policy.rateLimit;
  if (rl === null) return "";
  if (rl.key == RateLimitKey.Global) return "*";
  if (rl.key == RateLimitKey.ApiKey) return req.apiKey.length > 0 ? "k:" + req.apiKey : "";
  if (rl.key == RateLimitKey.Header) {
    const v = findHeader(req.headers, rl.header);
    return v !== null && v.length > 0 ? "h:" + v : "";
  }
  if (req.clientIpText.length == 0) return "";
  // A connection's requests share one client address string (exchange.ts), held in lastIpText so
  // no other string can take its address: its key is made once.
  if (changetype<usize>(req.clientIpText) != changetype<usize>(lastIpText)) {
    lastIpText = req.clientIpText;
    lastIpKey = "ip:" + req.clientIpText;
  }
  return lastIpKey;
}

function effectiveMode(p: Policy, rules: RuleSet, monitorOnly: bool): u32 {
  if (monitorOnly) return PolicyMode.Monitor;
  if (p.mode != PolicyMode.Unspecified) return p.mode;
  return rules.settings.defaultMode != PolicyMode.Unspecified ? rules.settings.defaultMode : PolicyMode.Enforce;
}

function findingReason(p: Policy, findings: Array<FindingFact>): string {
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    if (p.match.findingTypes.length == 0 || p.match.findingTypes.includes(f.type)) return findingReasonOf(f.type);
  }
  return policyReasonOf(p.id);
}

// The last reason of each kind and what it was made of: a finding type or a policy id is a string
// of the rule set, so a repeat is told by identity (held here, no other string can take its place).
let lastFindingType = "";
let lastFindingReason = "finding:";
let lastPolicyId = "";
let lastPolicyReason = "policy:";

/** "finding:" + type, made again only when the type is not last time's. */
function findingReasonOf(type: string): string {
  if (changetype<usize>(type) != changetype<usize>(lastFindingType)) {
    lastFindingType = type;
    lastFindingReason = "finding:" + type;
  }
  return lastFindingReason;
}

/** "policy:" + id, made again only when the id is not last time's. */
function policyReasonOf(id: string): string {
  if (changetype<usize>(id) != changetype<usize>(lastPolicyId)) {
    lastPolicyId = id;
    lastPolicyReason = "policy:" + id;
  }
  return lastPolicyReason;
}

/** The rate-limit decision already made for `p` in this exchange, if any. */
function chargedFor(charged: Array<Decision>, p: Policy): Decision | null {
  for (let i = 0, n = charged.length; i < n; i++) {
    const d = charged[i];
    if (d.policyId == p.id) return d;
  }
  return null;
}

/**
 * Evaluates the policies for one phase. REQUEST: every policy whose finding direction is not
 * RESPONSE, with request findings. RESPONSE: only policies that depend on findings and accept
 * response findings. `charged` holds the rate-limit decisions already made for this exchange (a
 * request is evaluated again when its body has been read): a policy is not charged twice, and its
 * second evaluation says what the first did — in monitor mode the request went on past a limit it
 * exceeded, and its body must not turn that into "within-limit".
 */
export function decide(
  rules: RuleSet,
  req: RequestInfo,
  findings: Array<FindingFact>,
  direction: u32,
  limiter: RateLimiter,
  monitorOnly: bool,
  charged: Array<Decision>,
): Decision {
  let logged: Array<string> | null = null;
  let would: Decision | null = null;
  let firstLog: Policy | null = null;
  const policies = rules.policies;
  for (let i = 0, n = policies.length; i < n; i++) {
    const p = policies[i];
    const fd = p.match.findingDirection;
    if (direction == Direction.Request && fd == Direction.Response) continue;
    if (direction == Direction.Response && (!p.match.needsFindings || fd == Direction.Request)) continue;
    if (!matches(p.match, req, findings)) continue;
    const mode = effectiveMode(p, rules, monitorOnly);
    let action = p.action;
    // A response cannot be rate-limited after the fact: record it like a LOG.
    if (action == PolicyAction.RateLimit && direction == Direction.Response) action = PolicyAction.Log;
    if (action == PolicyAction.Log || action == PolicyAction.Unspecified) {
      if (logged === null) logged = new Array<string>();
      logged.push(p.id);
      if (firstLog === null) firstLog = p;
      continue;
    }
    const d = new Decision();
    d.action = action;
    d.mode = mode;
    d.policyId = p.id;
    d.policy = p;
    d.direction = direction;
    if (action == PolicyAction.Block) {
      d.status = p.block.status;
      d.reason = findingReason(p, findings);
      d.enforced = mode == PolicyMode.Enforce;
    } else {
      const key = rateKeyFor(p, req);
      d.rateKey = key;
      if (key.length == 0) {
        d.reason = "rate-limit-key-absent";
      } else {
        const earlier = chargedFor(charged, p);
        if (earlier !== null) {
          d.reason = earlier.reason;
          d.status = earlier.status;
          d.retryAfterSeconds = earlier.retryAfterSeconds;
          d.enforced = earlier.enforced;
        } else {
          charged.push(d);
          const r = limiter.take(p, key);
          if (r.allowed) d.reason = "within-limit";
          else {
            d.reason = "rate-limited";
            d.status = 429;
            d.retryAfterSeconds = r.retryAfterSeconds;
            d.enforced = mode == PolicyMode.Enforce;
          }
        }
      }
    }
    if (mode == PolicyMode.Enforce) {
      if (logged !== null) d.logged = logged;
      return d;
    }
    if (would === null) would = d;
  }
  if (would !== null) {
    if (logged !== null) would.logged = logged;
    return would;
  }
  const out = new Decision(); // only now: a matching BLOCK or RATE_LIMIT returns its own
  const log = firstLog;
  if (log !== null) {
    out.action = PolicyAction.Log;
    out.mode = effectiveMode(log, rules, monitorOnly);
    out.policyId = log.id;
    out.policy = log;
    out.direction = direction;
    out.reason = findingReason(log, findings);
  }
  if (logged !== null) out.logged = logged;
  return out;
}
