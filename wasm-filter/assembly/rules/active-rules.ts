// The rules a worker VM enforces: the policy half (codec/rules-decode.ts) and the scanner built
// from the detector half (codec/rules-detectors.ts) of one RuleSet. Both halves are decoded and
// validated before anything is swapped, so a request never sees half a rule set. A RuleSet sent
// without its detector tables (detectors_omitted) keeps the scanner of the rules in force, only
// when those are the tables it names; otherwise it is refused and the control plane sends it whole.
import { decodeRuleSet } from "../codec/rules-decode";
import { decodeRuleSetDetectors, lastRulesError } from "../codec/rules-detectors";
import { Scanner } from "../detect";
import { RuleSet } from "../policy/model";

export class ActiveRules {
  constructor(
    public rules: RuleSet,
    public scanner: Scanner,
  ) {}

  get version(): u64 {
    return this.rules.version;
  }
}

export class LoadResult {
  constructor(
    public active: ActiveRules | null,
    public error: string,
  ) {}
}

/** Validates `encoded` completely; the caller swaps only on success. `held`: the rules in force. */
export function loadRules(encoded: ArrayBuffer, hashKey0: u64, hashKey1: u64, held: ActiveRules | null = null): LoadResult {
  const policies = decodeRuleSet(encoded);
  const rules = policies.rules;
  if (rules === null) return new LoadResult(null, policies.error);
  if (rules.detectorsOmitted) {
    const heldDigest = held !== null ? held.rules.detectorsDigest : "";
    if (rules.detectorsDigest.length == 0 || heldDigest != rules.detectorsDigest) {
      return new LoadResult(
        null,
        "rules: detector tables omitted, but the tables held are " +
          (heldDigest.length > 0 ? heldDigest : "unnamed") +
          ", not " +
          (rules.detectorsDigest.length > 0 ? rules.detectorsDigest : "unnamed"),
      );
    }
    return new LoadResult(new ActiveRules(rules, held!.scanner), "");
  }
  const detectors = decodeRuleSetDetectors(changetype<usize>(encoded), <usize>encoded.byteLength);
  if (detectors === null) return new LoadResult(null, lastRulesError);
  return new LoadResult(new ActiveRules(rules, new Scanner(detectors, hashKey0, hashKey1)), "");
}
