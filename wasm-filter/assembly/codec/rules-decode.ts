// Decodes and validates a palisade.v1.RuleSet (rules.proto). The embedded built-in set and every
// pushed set go through this one function. Unknown fields are skipped; malformed bytes or a
// semantically invalid rule (bad CIDR, template, missing rate) refuse the whole set with a
// reason, and the caller keeps the rules it had.
import { ProtoReader } from "./reader";
import { parseCidr } from "../policy/ip";
import { parsePathTemplate } from "../policy/path-template";
import {
  BlockSpec,
  HeaderMatch,
  HeaderTest,
  Match,
  Policy,
  PolicyAction,
  RateLimitKey,
  RateLimitSpec,
  RuleSet,
  Settings,
  ValueRelease,
} from "../policy/model";

export class RulesResult {
  constructor(
    public rules: RuleSet | null,
    public error: string,
  ) {}
}

// Bounds that keep a hostile or corrupted rule set from exhausting the VM (1 GiB cap in Envoy).
// @ts-ignore: decorator
@inline const MAX_POLICIES: i32 = 10000;
// @ts-ignore: decorator
@inline const MAX_RELEASES: i32 = 100000;

function decodeHeaderMatch(r: ProtoReader): HeaderMatch {
  const h = new HeaderMatch();
  for (let f = r.tag(); f != 0; f = r.tag()) {
    if (f == 1) h.name = r.string().toLowerCase();
    else if (f == 2) {
      h.test = HeaderTest.Exact;
      h.value = r.string();
    } else if (f == 3) {
      h.test = HeaderTest.Prefix;
      h.value = r.string();
    } else if (f == 4) {
      if (r.bool()) h.test = HeaderTest.Present;
    } else if (f == 5) h.invert = r.bool();
    else r.skip();
  }
  return h;
}

function decodeMatch(r: ProtoReader, errors: Array<string>): Match {
  const m = new Match();
  for (let f = r.tag(); f != 0; f = r.tag()) {
    if (f == 1) m.hosts.push(r.string().toLowerCase());
    else if (f == 2) m.methods.push(r.string().toUpperCase());
    else if (f == 3) {
      const s = r.string();
      const t = parsePathTemplate(s);
      if (t === null) errors.push("invalid path template `" + s + "`");
      else m.paths.push(t);
    } else if (f == 4) {
      const s = r.string();
      const c = parseCidr(s);
      if (c === null) errors.push("invalid CIDR `" + s + "`");
      else m.cidrs.push(c);
    } else if (f == 5) {
      const sub = r.sub();
      const h = decodeHeaderMatch(sub);
      r.check(sub);
      if (h.name.length == 0) errors.push("header match without a name");
      m.headers.push(h);
    } else if (f == 6) m.findingTypes.push(r.string());
    else if (f == 7) m.findingDirection = r.uint32();
    else if (f == 8) m.minSeverity = r.uint32();
    else if (f == 9) r.uint32s(m.authSchemes);
    else r.skip();
  }
  return m;
}

/** A release a gateway could misapply is refused with the whole set: hashes must ascend. */
function decodeValueRelease(r: ProtoReader, errors: Array<string>): ValueRelease {
  const v = new ValueRelease();
  for (let f = r.tag(); f != 0; f = r.tag()) {
    if (f == 1) {
      const sub = r.sub();
      v.endpoint = decodeMatch(sub, errors);
      r.check(sub);
    } else if (f == 2) r.fixed64s(v.hashes);
    else r.skip();
  }
  const m = v.endpoint;
  // One endpoint, as the control plane sends it: an empty list would release on every endpoint.
  if (m.hosts.length == 0 || m.methods.length == 0 || m.paths.length == 0) errors.push("value release without an endpoint");
  const h = v.hashes;
  for (let i = 1; i < h.length; i++) {
    if (h[i - 1] > h[i]) {
      errors.push("value release hashes out of order");
      break;
    }
  }
  return v;
}

function decodeRateLimit(r: ProtoReader): RateLimitSpec {
  const rl = new RateLimitSpec();
  rl.periodSeconds = 0;
  rl.key = RateLimitKey.Unspecified;
  for (let f = r.tag(); f != 0; f = r.tag()) {
    if (f == 1) rl.rate = r.uint32();
    else if (f == 2) rl.periodSeconds = r.uint32();
    else if (f == 3) rl.burst = r.uint32();
    else if (f == 4) rl.key = r.uint32();
    else if (f == 5) rl.header = r.string().toLowerCase();
    else r.skip();
  }
  if (rl.periodSeconds == 0) rl.periodSeconds = 1;
  if (rl.key == RateLimitKey.Unspecified) rl.key = RateLimitKey.ClientIp;
  return rl;
}

function decodeBlock(r: ProtoReader): BlockSpec {
  const b = new BlockSpec();
  b.status = 0;
  b.contentType = "";
  for (let f = r.tag(); f != 0; f = r.tag()) {
    if (f == 1) b.status = r.uint32();
    else if (f == 2) b.body = r.string();
    else if (f == 3) b.contentType = r.string();
    else if (f == 4) b.responseStyle = r.uint32();
    else r.skip();
  }
  if (b.status == 0) b.status = 403;
  if (b.contentType.length == 0) b.contentType = "application/json";
  return b;
}

function decodePolicy(r: ProtoReader, index: i32, errors: Array<string>): Policy {
  const p = new Policy();
  p.index = index;
  for (let f = r.tag(); f != 0; f = r.tag()) {
    if (f == 1) p.id = r.string();
    else if (f == 2) p.name = r.string();
    else if (f == 3) p.mode = r.uint32();
    else if (f == 4) {
      const sub = r.sub();
      p.match = decodeMatch(sub, errors);
      r.check(sub);
    } else if (f == 5) p.action = r.uint32();
    else if (f == 6) {
      const sub = r.sub();
      p.rateLimit = decodeRateLimit(sub);
      r.check(sub);
    } else if (f == 7) {
      const sub = r.sub();
      p.block = decodeBlock(sub);
      r.check(sub);
    } else if (f == 8) p.failureMode = r.uint32();
    else if (f == 9) p.priority = <i32>r.varint();
    else r.skip();
  }
  return p;
}

function decodeSettings(r: ProtoReader): Settings {
  const s = new Settings();
  for (let f = r.tag(); f != 0; f = r.tag()) {
    if (f == 1) s.defaultMode = r.uint32();
    else if (f == 2) s.maxBodyBytes = r.uint32();
    else if (f == 3) s.inspectContentTypes.push(r.string().toLowerCase());
    else if (f == 4) s.samplePercent = r.uint32();
    else if (f == 5) s.minConfidence = r.uint32();
    else if (f == 6) s.maxFindingsPerEvent = r.uint32();
    else if (f == 7) s.maxShapeFields = r.uint32();
    else r.skip();
  }
  return s;
}

function validatePolicy(p: Policy, errors: Array<string>): void {
  const where = "policy `" + p.id + "`: ";
  if (p.id.length == 0) errors.push("policy #" + p.index.toString() + " has no id");
  if (p.action > PolicyAction.Block) errors.push(where + "unknown action " + p.action.toString());
  if (p.mode > 2) errors.push(where + "unknown mode " + p.mode.toString());
  if (p.action == PolicyAction.RateLimit) {
    const rl = p.rateLimit;
    if (rl === null) errors.push(where + "RATE_LIMIT needs rate_limit");
    else {
      if (rl.rate == 0) errors.push(where + "rate_limit.rate must be positive");
      if (rl.key > RateLimitKey.Global) errors.push(where + "unknown rate_limit.key");
      if (rl.key == RateLimitKey.Header && rl.header.length == 0) errors.push(where + "rate_limit.header is required for RATE_LIMIT_KEY_HEADER");
    }
  }
  if (p.action == PolicyAction.Block && (p.block.status < 200 || p.block.status > 599)) {
    errors.push(where + "block.status must be 200-599");
  }
}

/** Sorts by (priority, index): insertion sort, stable, policy counts are small. */
function sortPolicies(list: Array<Policy>): void {
  for (let i = 1; i < list.length; i++) {
    const p = list[i];
    let j = i - 1;
    while (j >= 0 && (list[j].priority > p.priority || (list[j].priority == p.priority && list[j].index > p.index))) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = p;
  }
}

export function decodeRuleSet(buf: ArrayBuffer): RulesResult {
  const r = ProtoReader.of(buf);
  const rs = new RuleSet();
  rs.encoded = buf;
  const errors = new Array<string>();
  for (let f = r.tag(); f != 0; f = r.tag()) {
    if (f == 1) rs.version = r.varint();
    else if (f == 2) rs.publishedAtMs = r.varint();
    // Fields 3 (automata) and 4 (detectors) are the scanner's: codec/rules-detectors.ts.
    else if (f == 5) {
      const sub = r.sub();
      rs.policies.push(decodePolicy(sub, rs.policies.length, errors));
      r.check(sub);
      if (rs.policies.length > MAX_POLICIES) r.fail("too many policies");
    } else if (f == 6) {
      const sub = r.sub();
      rs.settings = decodeSettings(sub);
      r.check(sub);
    } else if (f == 7) rs.digest = r.string();
    else if (f == 9) rs.detectorsDigest = r.string();
    else if (f == 10) rs.detectorsOmitted = r.varint() != 0;
    else if (f == 11) {
      const sub = r.sub();
      rs.valueReleases.push(decodeValueRelease(sub, errors));
      r.check(sub);
      if (rs.valueReleases.length > MAX_RELEASES) r.fail("too many value releases");
    } else if (f == 12) rs.releasesDigest = r.string();
    else r.skip();
  }
  if (r.failed) return new RulesResult(null, r.error);
  const ids = new Set<string>();
  for (let i = 0; i < rs.policies.length; i++) {
    const p = rs.policies[i];
    validatePolicy(p, errors);
    if (ids.has(p.id)) errors.push("duplicate policy id `" + p.id + "`");
    ids.add(p.id);
  }
  if (errors.length > 0) return new RulesResult(null, "rules: " + errors[0]);
  sortPolicies(rs.policies);
  return new RulesResult(rs, "");
}
