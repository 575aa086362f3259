// The in-memory form of a validated palisade.v1.RuleSet (rules.proto). Built once by
// codec/rules-decode.ts, then only read: a new version replaces the whole object (atomic swap).
import { Cidr } from "./ip";
import { PathTemplate } from "./path-template";

/** palisade.v1.Action */
export namespace PolicyAction {
  export const Unspecified: u32 = 0;
  export const Log: u32 = 1;
  export const RateLimit: u32 = 2;
  export const Block: u32 = 3;
}

/** palisade.v1.Mode */
export namespace PolicyMode {
  export const Unspecified: u32 = 0;
  export const Monitor: u32 = 1;
  export const Enforce: u32 = 2;
}

/** palisade.v1.Direction */
export namespace Direction {
  export const Unspecified: u32 = 0;
  export const Request: u32 = 1;
  export const Response: u32 = 2;
}

/** palisade.v1.RateLimitKey */
export namespace RateLimitKey {
  export const Unspecified: u32 = 0;
  export const ClientIp: u32 = 1;
  export const ApiKey: u32 = 2;
  export const Header: u32 = 3;
  export const Global: u32 = 4;
}

/** palisade.v1.ResponseBlockStyle */
export namespace ResponseBlockStyle {
  export const Unspecified: u32 = 0;
  export const Error: u32 = 1;
  export const ReplaceBody: u32 = 2;
  export const Mask: u32 = 3;
}

/** palisade.v1.FailureMode */
export namespace FailureMode {
  export const Unspecified: u32 = 0;
  export const Open: u32 = 1;
  export const Closed: u32 = 2;
}

export namespace HeaderTest {
  export const None: u8 = 0;
  export const Exact: u8 = 1;
  export const Prefix: u8 = 2;
  export const Present: u8 = 3;
}

export class HeaderMatch {
  name: string = "";
  test: u8 = HeaderTest.None;
  value: string = "";
  invert: bool = false;
}

export class Match {
  hosts: Array<string> = [];
  methods: Array<string> = [];
  paths: Array<PathTemplate> = [];
  cidrs: Array<Cidr> = [];
  headers: Array<HeaderMatch> = [];
  findingTypes: Array<string> = [];
  findingDirection: u32 = Direction.Unspecified;
  minSeverity: u32 = 0;
  authSchemes: Array<u32> = [];

  /** True when the match can only be decided once findings are known. */
  get needsFindings(): bool {
    return this.findingTypes.length > 0 || this.minSeverity > 0;
  }
}

export class RateLimitSpec {
  rate: u32 = 0;
  periodSeconds: u32 = 1;
  burst: u32 = 0;
  key: u32 = RateLimitKey.ClientIp;
  header: string = "";
}

export class BlockSpec {
  status: u32 = 403;
  body: string = "";
  contentType: string = "application/json";
  responseStyle: u32 = ResponseBlockStyle.Unspecified;
}

export class Policy {
  id: string = "";
  name: string = "";
  mode: u32 = PolicyMode.Unspecified;
  match: Match = new Match();
  action: u32 = PolicyAction.Unspecified;
  rateLimit: RateLimitSpec | null = null;
  block: BlockSpec = new BlockSpec();
  failureMode: u32 = FailureMode.Unspecified;
  priority: i32 = 0;
  /** Position in the RuleSet, the tie-breaker after priority. */
  index: i32 = 0;
}

export class Settings {
  defaultMode: u32 = PolicyMode.Unspecified;
  maxBodyBytes: u32 = 0;
  inspectContentTypes: Array<string> = [];
  samplePercent: u32 = 0;
  minConfidence: u32 = 0;
  maxFindingsPerEvent: u32 = 0;
  maxShapeFields: u32 = 0;
}

/**
 * The policy half of a validated rule set. Detector tables are decoded separately by
 * codec/rules-detectors.ts from the same bytes (`encoded`) for the scanner.
 */
export class RuleSet {
  version: u64 = 0;
  publishedAtMs: u64 = 0;
  digest: string = "";
  /** RuleSet.detectors_digest: names the detector tables (fields 3-4). */
  detectorsDigest: string = "";
  /** RuleSet.detectors_omitted: fields 3-4 left out; the tables named by detectorsDigest stay. */
  detectorsOmitted: bool = false;
  /** The whole encoded RuleSet, kept for the detector decoder. */
  encoded: ArrayBuffer = new ArrayBuffer(0);
  /** Sorted by (priority, index). */
  policies: Array<Policy> = [];
  settings: Settings = new Settings();
  /** RuleSet.value_releases (telemetry/value-hash.ts); updated with the version unchanged. */
  valueReleases: Array<ValueRelease> = [];
  releasesDigest: string = "";
}

/** The value hashes released for one endpoint (rules.proto ValueRelease). */
export class ValueRelease {
  endpoint: Match = new Match();
  /** Ascending (checked when decoded), for a binary search. */
  hashes: Array<u64> = [];
}
