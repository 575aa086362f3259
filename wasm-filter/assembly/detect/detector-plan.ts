// A detector prepared for scanning: its REVERSE automaton in fast form, its context rule with
// keys normalized to token strings and keywords as bytes, its boundary bitmap — everything
// computed once per RuleSet so the per-candidate work only reads.
import { DetectorData } from "../codec/rules-detectors";
import { Dfa } from "./automaton";
import { normalizedRuleKey } from "./key-tokens";
import { KeywordSet } from "./keyword-set";

/** docs/detectors.md §4: max_length 0 means 256. */
@inline const DEFAULT_MAX_LENGTH: u32 = 256;

function keyList(keys: Array<string>): Array<StaticArray<u8>> {
  const out = new Array<StaticArray<u8>>();
  for (let i = 0; i < keys.length; i++) {
    const k = normalizedRuleKey(keys[i]);
    if (k !== null) out.push(k);
  }
  return out;
}

function bytesList(words: Array<string>): Array<StaticArray<u8>> {
  const out = new Array<StaticArray<u8>>();
  for (let i = 0; i < words.length; i++) {
    const b = String.UTF8.encode(words[i]);
    const s = new StaticArray<u8>(b.byteLength);
    memory.copy(changetype<usize>(s), changetype<usize>(b), <usize>b.byteLength);
    out.push(s);
  }
  return out;
}

export class DetectorPlan {
  data: DetectorData;
  reverse: Dfa;
  maxLength: u32;
  /** 32-byte bitmap, or 0 when the detector has no boundary. */
  boundary: usize;
  keys: Array<StaticArray<u8>>;
  negativeKeys: Array<StaticArray<u8>>;
  positiveKeywords: Array<StaticArray<u8>>;
  negativeKeywords: Array<StaticArray<u8>>;
  /** The keyword lists, searched in one pass per window. */
  positiveSet: KeywordSet;
  negativeSet: KeywordSet;

  constructor(d: DetectorData, reverse: Dfa) {
    this.data = d;
    this.reverse = reverse;
    this.maxLength = d.maxLength == 0 ? DEFAULT_MAX_LENGTH : d.maxLength;
    this.boundary = d.boundary.length == 32 ? changetype<usize>(d.boundary) : 0;
    this.keys = keyList(d.context.keys);
    this.negativeKeys = keyList(d.context.negativeKeywords);
    const positive = bytesList(d.context.positiveKeywords);
    const negative = bytesList(d.context.negativeKeywords);
    this.positiveKeywords = positive;
    this.negativeKeywords = negative;
    this.positiveSet = new KeywordSet(positive);
    this.negativeSet = new KeywordSet(negative);
  }

  /** Whether byte b violates the boundary (bit b of the bitmap). */
  @inline violates(b: u32): bool {
    return this.boundary != 0 && (load<u8>(this.boundary + (b >> 3)) & (1 << (b & 7))) != 0;
  }
}
