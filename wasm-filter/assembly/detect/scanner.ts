// The scanner: runs the compiled detector tables over one field at a time.
import { RuleSetDetectors } from "../codec/rules-detectors";
import { Findings } from "./findings";
import { ScanLimits } from "./scan-limits";

export class Scanner {
  constructor(
    public rules: RuleSetDetectors,
    public hashKey0: u64 = 0,
    public hashKey1: u64 = 0,
  ) {}

  /** A header value; `name` lower case. */
  scanHeader(name: string, ptr: usize, len: usize, out: Findings, limits: ScanLimits): void {}

  /** The raw query string (without `?`). */
  scanQuery(ptr: usize, len: usize, out: Findings, limits: ScanLimits): void {}

  /** A body of the given syntax (bodySyntax(contentType)). */
  scanBody(syntax: i32, ptr: usize, len: usize, out: Findings, limits: ScanLimits): void {}
}
