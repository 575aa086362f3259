// Entry point of policy-harness.wasm (built by scripts/build-steps/45-filter-harness.mjs): runs
// the filter's own policy core (codec/rules-decode.ts + policy/) on one shared vector from
// test/vectors/policy/, so the filter and the Apigee policy are held to the same cases without
// needing detectors to produce the findings. Not part of palisade.wasm.
import "../abi/abort";
import { decodeRuleSet } from "../codec/rules-decode";
import { JsonKind, JsonValue, parseJson } from "../config/json";
import { HeaderPair } from "../abi/pairs";
import { detectAuth } from "../policy/auth-scheme";
import { parseIp } from "../policy/ip";
import { Direction, Policy } from "../policy/model";
import { FindingFact, RequestInfo } from "../policy/request-info";
import { decide, RateLimiter, RateOutcome } from "../policy/verdict";
import { jsonQuote as quote } from "../util/json-escape";

/** Buckets listed as exhausted in the vector refuse; every other bucket has tokens. */
class VectorLimiter extends RateLimiter {
  constructor(public exhausted: Array<string>) {
    super();
  }
  take(policy: Policy, key: string): RateOutcome {
    return this.exhausted.includes(policy.id) ? new RateOutcome(false, 1) : new RateOutcome(true, 0);
  }
}

export function alloc(size: usize): usize {
  return heap.alloc(size);
}

function str(v: JsonValue | null, fallback: string): string {
  return v !== null && v.kind == JsonKind.String ? v.str : fallback;
}

function enumNumber(name: string, names: Array<string>): u32 {
  const i = names.indexOf(name);
  return i >= 0 ? <u32>i : 0;
}

const SEVERITIES: Array<string> = ["SEVERITY_UNSPECIFIED", "SEVERITY_INFO", "SEVERITY_LOW", "SEVERITY_MEDIUM", "SEVERITY_HIGH", "SEVERITY_CRITICAL"];
const DIRECTIONS: Array<string> = ["DIRECTION_UNSPECIFIED", "DIRECTION_REQUEST", "DIRECTION_RESPONSE"];
const ACTIONS: Array<string> = ["ACTION_UNSPECIFIED", "ACTION_LOG", "ACTION_RATE_LIMIT", "ACTION_BLOCK"];
const MODES: Array<string> = ["MODE_UNSPECIFIED", "MODE_MONITOR", "MODE_ENFORCE"];

/**
 * rules: protobuf RuleSet bytes; input: the vector's `input` as JSON (request, findings,
 * direction, exhausted, mode). Returns a pointer to UTF-8 JSON; its byte length is at ptr - 4
 * (the ArrayBuffer header), read by the test.
 */
export function evaluate(rulesPtr: usize, rulesLen: usize, inputPtr: usize, inputLen: usize): usize {
  const rulesBuf = new ArrayBuffer(<i32>rulesLen);
  memory.copy(changetype<usize>(rulesBuf), rulesPtr, rulesLen);
  const decoded = decodeRuleSet(rulesBuf);
  let out: string;
  const rules = decoded.rules;
  const input = parseJson(String.UTF8.decodeUnsafe(inputPtr, inputLen));
  if (rules === null) out = '{"error":' + quote(decoded.error) + "}";
  else if (input === null || input.kind != JsonKind.Object) out = '{"error":"input is not a JSON object"}';
  else {
    const req = new RequestInfo();
    const r = input.get("request");
    if (r !== null && r.kind == JsonKind.Object) {
      req.method = str(r.get("method"), "GET").toUpperCase();
      req.host = str(r.get("host"), "").toLowerCase();
      const path = str(r.get("path"), "/");
      const q = path.indexOf("?");
      req.path = q >= 0 ? path.substring(0, q) : path;
      req.query = q >= 0 ? path.substring(q + 1) : "";
      req.clientIpText = str(r.get("clientIp"), "");
      req.clientIp = parseIp(req.clientIpText);
      const h = r.get("headers");
      if (h !== null && h.kind == JsonKind.Object) {
        for (let i = 0; i < h.keys.length; i++) req.headers.push(new HeaderPair(h.keys[i].toLowerCase(), h.items[i].str));
      }
      const mtls = r.get("mtls");
      detectAuth(req, mtls !== null && mtls.bool);
    }
    const facts = new Array<FindingFact>();
    const f = input.get("findings");
    if (f !== null && f.kind == JsonKind.Array) {
      for (let i = 0; i < f.items.length; i++) {
        const item = f.items[i];
        facts.push(
          new FindingFact(str(item.get("type"), ""), enumNumber(str(item.get("severity"), ""), SEVERITIES), enumNumber(str(item.get("direction"), "DIRECTION_REQUEST"), DIRECTIONS)),
        );
      }
    }
    const direction = enumNumber(str(input.get("direction"), "DIRECTION_REQUEST"), DIRECTIONS);
    const exhausted = new Array<string>();
    const ex = input.get("exhausted");
    if (ex !== null && ex.kind == JsonKind.Array) for (let i = 0; i < ex.items.length; i++) exhausted.push(ex.items[i].str);
    const monitorOnly = str(input.get("mode"), "enforce") == "monitor";
    const d = decide(rules, req, facts, direction == 0 ? Direction.Request : direction, new VectorLimiter(exhausted), monitorOnly, []);
    out =
      '{"action":' + quote(ACTIONS[d.action]) +
      ',"mode":' + quote(MODES[d.mode]) +
      ',"policyId":' + quote(d.policyId) +
      ',"enforced":' + (d.enforced ? "true" : "false") +
      ',"status":' + d.status.toString() +
      ',"reason":' + quote(d.reason) +
      ',"authScheme":' + req.authScheme.toString() + "}";
  }
  return changetype<usize>(String.UTF8.encode(out));
}
