// Bounds on the work one scan call may do (DESIGN.md: bounded work per request; coraza-proxy-wasm
// #219/#249: bound every buffer). The filter tightens them from Settings / plugin config.

export class ScanLimits {
  /** Bytes of one field inspected; the rest is skipped and Findings.truncated is set. */
  maxFieldBytes: u32 = 1 << 20;
  /** Findings kept per exchange (Findings is shared by all fields of one exchange). */
  maxFindings: u32 = 64;
  /** Candidate matches (DFA accepts) examined per field, valid or not; bounds validator work. */
  maxCandidates: u32 = 4096;
  /** Findings below this confidence (percent) are dropped whatever the detector says. */
  minConfidence: u32 = 0;
}
