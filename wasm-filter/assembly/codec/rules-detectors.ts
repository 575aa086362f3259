// Decoder for the detector part of a RuleSet (rules.proto: RuleSet.version, .automata, .detectors
// and the three inspection settings the scanner needs; policies are skipped). Written by the
// detection engineer because the scanner needed it first; the filter's RuleSet decoder may call it.
// Everything the scanner later indexes without bounds checks is validated here: a RuleSet that
// fails any check is refused (null + lastRulesError) so the previous one stays in force.

import { expandSparseTransitions } from "./sparse-transitions";

@inline const WIRE_VARINT: u32 = 0;
@inline const WIRE_I64: u32 = 1;
@inline const WIRE_LEN: u32 = 2;
@inline const WIRE_I32: u32 = 5;

/** AutomatonKind numbers. */
export const AUTOMATON_SEARCH: u32 = 1;
export const AUTOMATON_REVERSE: u32 = 2;

/** Largest dense table accepted (entries); keeps `state * class_count` inside 31 bits. */
export const MAX_TABLE_ENTRIES: u32 = 1 << 24;

export const ERR_WIRE = "rules: malformed protobuf";
export const ERR_BYTE_CLASSES = "rules: automaton byte_classes must be 256 bytes below class_count";
export const ERR_TRANSITIONS = "rules: automaton transitions size or target out of range";
export const ERR_ACCEPTS = "rules: automaton accept lists out of range";
export const ERR_DETECTOR_AUTOMATON = "rules: detector refers to a missing automaton or one of the wrong kind";
export const ERR_BOUNDARY = "rules: detector boundary must be empty or 32 bytes";

/** Why the last decodeRuleSetDetectors call returned null ("" after a success). */
export let lastRulesError: string = "";

export class AutomatonData {
  byteClasses: StaticArray<u8> = new StaticArray<u8>(0);
  classCount: u32 = 0;
  stateCount: u32 = 0;
  startState: u32 = 0;
  /** state_count * class_count little-endian entries of entryBytes each. */
  transitions: StaticArray<u8> = new StaticArray<u8>(0);
  entryBytes: u32 = 2;
  /** rules.proto sparse_transitions; expanded into `transitions` by the checks, then emptied. */
  sparseTransitions: StaticArray<u8> = new StaticArray<u8>(0);
  acceptOffsets: StaticArray<u32> = new StaticArray<u32>(0);
  acceptDetectors: StaticArray<u32> = new StaticArray<u32>(0);
  /** proto AutomatonKind number (1 SEARCH, 2 REVERSE). */
  kind: u32 = 0;
}

export class ContextRuleData {
  keys: Array<string> = new Array<string>();
  positiveKeywords: Array<string> = new Array<string>();
  negativeKeywords: Array<string> = new Array<string>();
  distance: u32 = 0;
  boost: u32 = 0;
  penalty: u32 = 0;
  /** Drop candidates without key or positive-keyword context (docs/detectors.md §4 step 1). */
  requireContext: bool = false;
}

export class DetectorData {
  id: string = "";
  name: string = "";
  category: i32 = 0;
  severity: i32 = 0;
  validator: i32 = 0;
  searchAutomaton: u32 = 0;
  reverseAutomaton: u32 = 0;
  context: ContextRuleData = new ContextRuleData();
  baseConfidence: u32 = 0;
  minConfidence: u32 = 0;
  mask: i32 = 0;
  maxLength: u32 = 0;
  /** 32-byte bitmap or empty. */
  boundary: StaticArray<u8> = new StaticArray<u8>(0);
  decode: bool = false;
  custom: bool = false;
}

export class RuleSetDetectors {
  version: u64 = 0;
  /** Settings.max_body_bytes, .min_confidence, .max_findings_per_event (0 = unset). */
  maxBodyBytes: u32 = 0;
  minConfidence: u32 = 0;
  maxFindingsPerEvent: u32 = 0;
  automata: Array<AutomatonData> = new Array<AutomatonData>();
  detectors: Array<DetectorData> = new Array<DetectorData>();
}

/** A forward-only protobuf wire reader over [pos, end) of linear memory; sets ok=false on error. */
class WireReader {
  ok: bool = true;
  constructor(
    public pos: usize,
    public end: usize,
  ) {}

  more(): bool {
    return this.ok && this.pos < this.end;
  }

  varint(): u64 {
    let result: u64 = 0;
    for (let shift: u64 = 0; shift < 64; shift += 7) {
      if (this.pos >= this.end) break;
      const b = load<u8>(this.pos++);
      result |= (<u64>(b & 0x7f)) << shift;
      if ((b & 0x80) == 0) return result;
    }
    this.ok = false;
    return 0;
  }

  u32(): u32 {
    return <u32>this.varint();
  }

  /** Length of a LEN field; leaves pos at its first byte. */
  len(): usize {
    const n = this.varint();
    if (n > <u64>(this.end - this.pos)) {
      this.ok = false;
      return 0;
    }
    return <usize>n;
  }

  bytes(): StaticArray<u8> {
    const n = this.len();
    const out = new StaticArray<u8>(<i32>n);
    memory.copy(changetype<usize>(out), this.pos, n);
    this.pos += n;
    return out;
  }

  string(): string {
    const n = this.len();
    const s = String.UTF8.decodeUnsafe(this.pos, n);
    this.pos += n;
    return s;
  }

  /** A sub-reader over the next LEN field. */
  sub(): WireReader {
    const n = this.len();
    const r = new WireReader(this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  skip(wire: u32): void {
    if (wire == WIRE_VARINT) this.varint();
    else if (wire == WIRE_I64) this.advance(8);
    else if (wire == WIRE_LEN) this.advance(this.len());
    else if (wire == WIRE_I32) this.advance(4);
    else this.ok = false;
  }

  private advance(n: usize): void {
    if (n > this.end - this.pos) this.ok = false;
    else this.pos += n;
  }

  /** Appends a repeated uint32 field, packed or not. */
  repeatedU32(wire: u32, into: Array<u32>): void {
    if (wire == WIRE_LEN) {
      const r = this.sub();
      while (r.more()) into.push(r.u32());
      if (!r.ok) this.ok = false;
    } else if (wire == WIRE_VARINT) into.push(this.u32());
    else this.ok = false;
  }
}

function toStatic(a: Array<u32>): StaticArray<u32> {
  const out = new StaticArray<u32>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return out;
}

function readAutomaton(r: WireReader): AutomatonData {
  const a = new AutomatonData();
  const offsets = new Array<u32>();
  const accepts = new Array<u32>();
  while (r.more()) {
    const tag = r.u32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field == 1 && wire == WIRE_LEN) a.byteClasses = r.bytes();
    else if (field == 2 && wire == WIRE_VARINT) a.classCount = r.u32();
    else if (field == 3 && wire == WIRE_VARINT) a.stateCount = r.u32();
    else if (field == 4 && wire == WIRE_VARINT) a.startState = r.u32();
    else if (field == 5 && wire == WIRE_LEN) a.transitions = r.bytes();
    else if (field == 6 && wire == WIRE_VARINT) a.entryBytes = r.u32();
    else if (field == 7) r.repeatedU32(wire, offsets);
    else if (field == 8) r.repeatedU32(wire, accepts);
    else if (field == 9 && wire == WIRE_VARINT) a.kind = r.u32();
    else if (field == 10 && wire == WIRE_LEN) a.sparseTransitions = r.bytes();
    else r.skip(wire);
  }
  a.acceptOffsets = toStatic(offsets);
  a.acceptDetectors = toStatic(accepts);
  return a;
}

function readContext(r: WireReader): ContextRuleData {
  const c = new ContextRuleData();
  while (r.more()) {
    const tag = r.u32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field == 1 && wire == WIRE_LEN) c.keys.push(r.string());
    else if (field == 2 && wire == WIRE_LEN) c.positiveKeywords.push(r.string());
    else if (field == 3 && wire == WIRE_LEN) c.negativeKeywords.push(r.string());
    else if (field == 4 && wire == WIRE_VARINT) c.distance = r.u32();
    else if (field == 5 && wire == WIRE_VARINT) c.boost = r.u32();
    else if (field == 6 && wire == WIRE_VARINT) c.penalty = r.u32();
    else if (field == 7 && wire == WIRE_VARINT) c.requireContext = r.varint() != 0;
    else r.skip(wire);
  }
  return c;
}

function readDetector(r: WireReader): DetectorData {
  const d = new DetectorData();
  while (r.more()) {
    const tag = r.u32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field == 1 && wire == WIRE_LEN) d.id = r.string();
    else if (field == 2 && wire == WIRE_LEN) d.name = r.string();
    else if (field == 3 && wire == WIRE_VARINT) d.category = r.u32();
    else if (field == 4 && wire == WIRE_VARINT) d.severity = r.u32();
    else if (field == 5 && wire == WIRE_VARINT) d.validator = r.u32();
    else if (field == 6 && wire == WIRE_VARINT) d.searchAutomaton = r.u32();
    else if (field == 7 && wire == WIRE_VARINT) d.reverseAutomaton = r.u32();
    else if (field == 8 && wire == WIRE_LEN) {
      const sub = r.sub();
      d.context = readContext(sub);
      if (!sub.ok) r.ok = false;
    } else if (field == 9 && wire == WIRE_VARINT) d.baseConfidence = r.u32();
    else if (field == 10 && wire == WIRE_VARINT) d.minConfidence = r.u32();
    else if (field == 11 && wire == WIRE_VARINT) d.mask = r.u32();
    else if (field == 12 && wire == WIRE_VARINT) d.maxLength = r.u32();
    else if (field == 13 && wire == WIRE_LEN) d.boundary = r.bytes();
    else if (field == 14 && wire == WIRE_VARINT) d.decode = r.varint() != 0;
    else if (field == 15 && wire == WIRE_VARINT) d.custom = r.varint() != 0;
    else r.skip(wire);
  }
  return d;
}

function readSettings(r: WireReader, set: RuleSetDetectors): void {
  while (r.more()) {
    const tag = r.u32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field == 2 && wire == WIRE_VARINT) set.maxBodyBytes = r.u32();
    else if (field == 5 && wire == WIRE_VARINT) set.minConfidence = r.u32();
    else if (field == 6 && wire == WIRE_VARINT) set.maxFindingsPerEvent = r.u32();
    else r.skip(wire);
  }
}

/** "" when the automaton's tables are consistent, else the reason. */
function checkAutomaton(a: AutomatonData, detectorCount: u32): string {
  if (a.byteClasses.length != 256 || a.classCount == 0 || a.classCount > 256) return ERR_BYTE_CLASSES;
  for (let i = 0; i < 256; i++) if (<u32>a.byteClasses[i] >= a.classCount) return ERR_BYTE_CLASSES;
  if (a.stateCount == 0 || a.startState >= a.stateCount) return ERR_TRANSITIONS;
  const entries = <u64>a.stateCount * <u64>a.classCount;
  if (entries > <u64>MAX_TABLE_ENTRIES) return ERR_TRANSITIONS;
  if (a.sparseTransitions.length > 0) {
    if (a.transitions.length > 0) return ERR_TRANSITIONS;
    const width: u32 = a.stateCount <= 65536 ? 2 : 4;
    const dense = expandSparseTransitions(a.sparseTransitions, a.stateCount, a.classCount, width);
    if (dense === null) return ERR_TRANSITIONS;
    a.transitions = dense;
    a.entryBytes = width;
    a.sparseTransitions = new StaticArray<u8>(0);
  }
  if (a.entryBytes != 2 && a.entryBytes != 4) return ERR_TRANSITIONS;
  if (<u64>a.transitions.length != entries * <u64>a.entryBytes) return ERR_TRANSITIONS;
  const base = changetype<usize>(a.transitions);
  for (let i: u32 = 0; i < <u32>entries; i++) {
    const next = a.entryBytes == 2 ? <u32>load<u16>(base + (<usize>i << 1)) : load<u32>(base + (<usize>i << 2));
    if (next >= a.stateCount) return ERR_TRANSITIONS;
  }
  if (<u32>a.acceptOffsets.length != a.stateCount + 1) return ERR_ACCEPTS;
  let prev: u32 = 0;
  for (let i = 0; i < a.acceptOffsets.length; i++) {
    const o = a.acceptOffsets[i];
    if (o < prev) return ERR_ACCEPTS;
    prev = o;
  }
  if (a.acceptOffsets[0] != 0 || prev != <u32>a.acceptDetectors.length) return ERR_ACCEPTS;
  for (let i = 0; i < a.acceptDetectors.length; i++) if (a.acceptDetectors[i] >= detectorCount) return ERR_ACCEPTS;
  return "";
}

/**
 * Decodes and validates fields 1, 3 and 4 of a serialized RuleSet at [ptr, ptr+len).
 * Returns null when the bytes are malformed or the tables inconsistent (reason in lastRulesError).
 */
export function decodeRuleSetDetectors(ptr: usize, len: usize): RuleSetDetectors | null {
  const r = new WireReader(ptr, ptr + len);
  const set = new RuleSetDetectors();
  while (r.more()) {
    const tag = r.u32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field == 1 && wire == WIRE_VARINT) set.version = r.varint();
    else if ((field == 3 || field == 4) && wire == WIRE_LEN) {
      const sub = r.sub();
      if (field == 3) set.automata.push(readAutomaton(sub));
      else set.detectors.push(readDetector(sub));
      if (!sub.ok) r.ok = false;
    } else if (field == 6 && wire == WIRE_LEN) {
      const sub = r.sub();
      readSettings(sub, set);
      if (!sub.ok) r.ok = false;
    } else r.skip(wire);
  }
  if (!r.ok) {
    lastRulesError = ERR_WIRE;
    return null;
  }
  const automatonCount = <u32>set.automata.length;
  for (let i = 0; i < set.automata.length; i++) {
    const why = checkAutomaton(set.automata[i], <u32>set.detectors.length);
    if (why.length > 0) {
      lastRulesError = why;
      return null;
    }
  }
  for (let i = 0; i < set.detectors.length; i++) {
    const d = set.detectors[i];
    if (
      d.searchAutomaton >= automatonCount ||
      d.reverseAutomaton >= automatonCount ||
      set.automata[d.searchAutomaton].kind != AUTOMATON_SEARCH ||
      set.automata[d.reverseAutomaton].kind != AUTOMATON_REVERSE
    ) {
      lastRulesError = ERR_DETECTOR_AUTOMATON;
      return null;
    }
    if (d.boundary.length != 0 && d.boundary.length != 32) {
      lastRulesError = ERR_BOUNDARY;
      return null;
    }
  }
  lastRulesError = "";
  return set;
}
