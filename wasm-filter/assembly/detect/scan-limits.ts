// Bounds on the work one scan call may do (DESIGN.md: bounded work per request; coraza-proxy-wasm
// #219/#249: bound every buffer). Defaults follow docs/detectors.md §9; the filter tightens them
// from the RuleSet's Settings and the plugin config.

export class ScanLimits {
  /** Bytes of a body inspected (Settings.max_body_bytes; 0 there = 1 MiB); the rest is skipped and Findings.truncated set. Headers and the query are scanned whole. */
  maxFieldBytes: u32 = 1 << 20;
  /** Findings kept per exchange (Settings.max_findings_per_event; 0 there = 100). */
  maxFindings: u32 = 100;
  /** Findings below this confidence (percent) are dropped whatever the detector says (Settings.min_confidence). */
  minConfidence: u32 = 0;

  /** Applies RuleSet Settings values (0 = the documented default). */
  applySettings(maxBodyBytes: u32, minConfidence: u32, maxFindingsPerEvent: u32): ScanLimits {
    this.maxFieldBytes = maxBodyBytes == 0 ? 1 << 20 : maxBodyBytes;
    this.minConfidence = minConfidence;
    this.maxFindings = maxFindingsPerEvent == 0 ? 100 : maxFindingsPerEvent;
    return this;
  }
}
