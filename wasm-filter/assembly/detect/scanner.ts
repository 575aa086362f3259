// The scanner (docs/detectors.md §2-§9): cuts each field into segments, runs every SEARCH
// automaton over each segment, then takes the candidates through start finding, boundaries,
// validators, context and overlaps. Steady state allocates nothing per byte: buffers are reused
// and grow only when a larger field arrives; objects are created only for findings.
import { AUTOMATON_SEARCH, RuleSetDetectors } from "../codec/rules-detectors";
import { ACCEPT_BIT, Dfa, ROW_MASK } from "./automaton";
import { DetectorPlan } from "./detector-plan";
import { bodyMode, FIELD_BODY, FIELD_HEADER, FIELD_QUERY, SYNTAX_FORM, SYNTAX_JSON, SYNTAX_XML } from "./field-kinds";
import { Findings } from "./findings";
import { FormWalker } from "./form-walker";
import { JsonWalker } from "./json-walker";
import { containsBytes, normalizeKey, windowHas } from "./key-tokens";
import { maskPreview } from "./mask";
import { resolveOverlaps } from "./overlaps";
import { ScanLimits } from "./scan-limits";
import { ByteBuf, FixedPath, PathSource, Segment, SegmentSink } from "./segment";
import { siphash24 } from "./siphash";
import { validate } from "./validate";
import { XmlWalker } from "./xml-walker";

@inline const KEY_MATCH: u8 = 1;
@inline const NEGATIVE_KEY_MATCH: u8 = 2;

export class Scanner extends SegmentSink {
  private plans: Array<DetectorPlan> = new Array<DetectorPlan>();
  /** SEARCH automata in RuleSet order. */
  private searches: Array<Dfa> = new Array<Dfa>();

  private seg: Segment = new Segment();
  private json: JsonWalker = new JsonWalker();
  private xml: XmlWalker = new XmlWalker();
  private form: FormWalker = new FormWalker();
  private noPath: FixedPath = new FixedPath();
  private headerKey: ByteBuf = new ByteBuf();

  // The field being scanned.
  private field: usize = 0;
  private fieldKind: i32 = 0;
  private fieldName: string = "";
  private out: Findings = new Findings();
  private minConfidence: u32 = 0;
  private candidatesLeft: u32 = 0;

  // Candidates of one segment: SEARCH automaton a produced candidates [runStart[a], runEnd[a]).
  private candEnd: StaticArray<u32> = new StaticArray<u32>(0);
  private candDet: StaticArray<u32> = new StaticArray<u32>(0);
  private candCount: i32 = 0;
  private runStart: StaticArray<i32> = new StaticArray<i32>(0);
  private runEnd: StaticArray<i32> = new StaticArray<i32>(0);
  private runPos: StaticArray<i32> = new StaticArray<i32>(0);

  // Findings kept in one segment (decoded offsets) before they become Findings (§4 step 6).
  private keptDet: StaticArray<u32> = new StaticArray<u32>(0);
  private keptStart: StaticArray<u32> = new StaticArray<u32>(0);
  private keptEnd: StaticArray<u32> = new StaticArray<u32>(0);
  private keptConf: StaticArray<u32> = new StaticArray<u32>(0);
  private keptAlive: StaticArray<bool> = new StaticArray<bool>(0);
  private keptCount: i32 = 0;

  // Key tests are per (segment, detector): cached under the segment's serial number.
  private keyStamp: StaticArray<u32> = new StaticArray<u32>(0);
  private keyBits: StaticArray<u8> = new StaticArray<u8>(0);
  private keyNorm: ByteBuf = new ByteBuf();
  private keyNormSerial: u32 = 0xffffffff;

  constructor(
    public rules: RuleSetDetectors,
    public hashKey0: u64 = 0,
    public hashKey1: u64 = 0,
  ) {
    super();
    const dfas = new Array<Dfa>(rules.automata.length);
    for (let i = 0; i < rules.automata.length; i++) {
      const a = rules.automata[i];
      dfas[i] = new Dfa(a);
      if (a.kind == AUTOMATON_SEARCH) this.searches.push(dfas[i]);
    }
    for (let i = 0; i < rules.detectors.length; i++) {
      const d = rules.detectors[i];
      this.plans.push(new DetectorPlan(d, dfas[d.reverseAutomaton]));
    }
    const na = this.searches.length;
    this.runStart = new StaticArray<i32>(na);
    this.runEnd = new StaticArray<i32>(na);
    this.runPos = new StaticArray<i32>(na);
    this.keyStamp = new StaticArray<u32>(rules.detectors.length);
    this.keyBits = new StaticArray<u8>(rules.detectors.length);
  }

  /** A header value; `name` lower case. */
  scanHeader(name: string, ptr: usize, len: usize, out: Findings, limits: ScanLimits): void {
    if (!this.beginField(FIELD_HEADER, name, ptr, len, out, limits)) return;
    const n = min(len, <usize>limits.maxFieldBytes);
    const utf8 = String.UTF8.encode(name);
    this.headerKey.len = 0;
    this.headerKey.append(changetype<usize>(utf8), <usize>utf8.byteLength);
    this.seg.setIdentity(ptr, 0, n);
    this.seg.keyPtr = this.headerKey.ptr;
    this.seg.keyLen = this.headerKey.len;
    this.onSegment(this.seg, this.noPath);
    this.endField(limits);
  }

  /** The raw query string (without `?`). */
  scanQuery(ptr: usize, len: usize, out: Findings, limits: ScanLimits): void {
    if (!this.beginField(FIELD_QUERY, "", ptr, len, out, limits)) return;
    this.form.walk(ptr, min(len, <usize>limits.maxFieldBytes), this.seg, this);
    this.endField(limits);
  }

  /**
   * A body. `syntax` is bodySyntax(contentType); the mode (JSON, form, XML, text) is settled with
   * the body's first byte as docs/detectors.md §2 says (bodyMode).
   */
  scanBody(syntax: i32, ptr: usize, len: usize, out: Findings, limits: ScanLimits): void {
    if (!this.beginField(FIELD_BODY, "", ptr, len, out, limits)) return;
    const n = min(len, <usize>limits.maxFieldBytes);
    const mode = bodyMode(syntax, ptr, n);
    if (mode == SYNTAX_JSON) this.json.walk(ptr, n, this.seg, this);
    else if (mode == SYNTAX_FORM) this.form.walk(ptr, n, this.seg, this);
    else if (mode == SYNTAX_XML) this.xml.walk(ptr, n, this.seg, this);
    else {
      this.seg.setIdentity(ptr, 0, n);
      this.seg.keyLen = 0;
      this.onSegment(this.seg, this.noPath);
    }
    this.endField(limits);
  }

  private beginField(kind: i32, name: string, ptr: usize, len: usize, out: Findings, limits: ScanLimits): bool {
    if (len > <usize>limits.maxFieldBytes) out.truncated = true;
    if (<u32>out.count >= limits.maxFindings) {
      // Findings past the limit would be cut anyway (§9): skip the work.
      if (len > 0) out.truncated = true;
      return false;
    }
    this.field = ptr;
    this.fieldKind = kind;
    this.fieldName = name;
    this.out = out;
    this.fieldStart = out.count;
    this.minConfidence = limits.minConfidence;
    this.candidatesLeft = limits.maxCandidates;
    this.ensureCandidates(<i32>limits.maxCandidates);
    return true;
  }
  private fieldStart: i32 = 0;

  private endField(limits: ScanLimits): void {
    resolveOverlaps(this.out, this.fieldStart);
    if (<u32>this.out.count > limits.maxFindings) {
      this.out.truncate(<i32>limits.maxFindings);
      this.out.truncated = true;
    }
  }

  private ensureCandidates(cap: i32): void {
    if (this.candEnd.length >= cap) return;
    this.candEnd = new StaticArray<u32>(cap);
    this.candDet = new StaticArray<u32>(cap);
    this.keptDet = new StaticArray<u32>(cap);
    this.keptStart = new StaticArray<u32>(cap);
    this.keptEnd = new StaticArray<u32>(cap);
    this.keptConf = new StaticArray<u32>(cap);
    this.keptAlive = new StaticArray<bool>(cap);
  }

  /** §4: every SEARCH automaton over the segment, then the candidates in (end, automaton, accept) order. */
  onSegment(seg: Segment, paths: PathSource): void {
    const n = seg.n;
    if (n == 0) return;
    this.candCount = 0;
    for (let a = 0; a < this.searches.length; a++) {
      unchecked((this.runStart[a] = this.candCount)); // a < searches.length = runStart.length
      this.runSearch(unchecked(this.searches[a]), seg.data, n);
      unchecked((this.runEnd[a] = this.candCount));
      unchecked((this.runPos[a] = this.runStart[a]));
    }
    if (this.candCount == 0) return;
    this.keptCount = 0;
    // k-way merge of the per-automaton runs, each already ordered by end then accept order.
    while (true) {
      let best = -1;
      let bestEnd: u32 = 0xffffffff;
      for (let a = 0; a < this.searches.length; a++) {
        const p = unchecked(this.runPos[a]);
        if (p < unchecked(this.runEnd[a]) && unchecked(this.candEnd[p]) < bestEnd) {
          best = a;
          bestEnd = unchecked(this.candEnd[p]);
        }
      }
      if (best < 0) break;
      const p = unchecked(this.runPos[best]);
      unchecked((this.runPos[best] = p + 1));
      this.candidate(seg, <i32>unchecked(this.candDet[p]), bestEnd);
    }
    this.emitKept(seg, paths);
  }

  /** The DFA inner loop: two loads and a mask per byte; accepts leave the loop through accept(). */
  private runSearch(dfa: Dfa, data: usize, n: usize): void {
    const rows = changetype<usize>(dfa.rows);
    const classes = changetype<usize>(dfa.classes);
    let row = dfa.startRow;
    for (let i: usize = 0; i < n; i++) {
      // Safe without bounds checks: row = next * class_count with next < state_count and the class
      // byte < class_count (both checked by decodeRuleSetDetectors), so the index < rows.length;
      // classes has 256 entries and the index is a byte.
      const entry = load<u32>(rows + ((<usize>(row + <u32>load<u8>(classes + <usize>load<u8>(data + i)))) << 2));
      row = entry & ROW_MASK;
      if (entry & ACCEPT_BIT) this.accept(dfa, row, <u32>(i + 1));
    }
  }

  private accept(dfa: Dfa, row: u32, end: u32): void {
    const state = dfa.stateOf(row);
    const from = dfa.acceptOffsets[state];
    const to = dfa.acceptOffsets[state + 1];
    for (let k = from; k < to; k++) {
      if (this.candidatesLeft == 0) {
        this.out.truncated = true;
        return;
      }
      this.candidatesLeft--;
      const c = this.candCount++;
      unchecked((this.candEnd[c] = end)); // c < maxCandidates <= candEnd.length: candidatesLeft bounds it
      unchecked((this.candDet[c] = dfa.acceptDetectors[k]));
    }
  }

  private keyTests(seg: Segment, det: i32, plan: DetectorPlan): u8 {
    if (unchecked(this.keyStamp[det]) == seg.serial) return unchecked(this.keyBits[det]); // det < detectors.length
    if (this.keyNormSerial != seg.serial) {
      normalizeKey(seg.keyPtr, seg.keyLen, this.keyNorm);
      this.keyNormSerial = seg.serial;
    }
    let bits: u8 = 0;
    for (let i = 0; i < plan.keys.length; i++) if (containsBytes(this.keyNorm.ptr, this.keyNorm.len, plan.keys[i])) bits |= KEY_MATCH;
    for (let i = 0; i < plan.negativeKeys.length; i++) {
      if (containsBytes(this.keyNorm.ptr, this.keyNorm.len, plan.negativeKeys[i])) bits |= NEGATIVE_KEY_MATCH;
    }
    unchecked((this.keyStamp[det] = seg.serial));
    unchecked((this.keyBits[det] = bits));
    return bits;
  }

  /** Any of `words` within the raw window [rawStart - distance, rawStart) of the field. */
  private keywordBefore(words: Array<StaticArray<u8>>, rawStart: u32, distance: u32): bool {
    const from = rawStart > distance ? rawStart - distance : 0;
    for (let i = 0; i < words.length; i++) if (windowHas(this.field, from, rawStart, words[i])) return true;
    return false;
  }

  /** §4 steps 1-6 for candidate (det, e). */
  private candidate(seg: Segment, det: i32, e: u32): void {
    const plan = this.plans[det];
    const d = plan.data;
    const ctx = d.context;
    const data = seg.data;
    const n = <u32>seg.n;
    // 1. Require context (pre-filter from the raw start of the last byte).
    if (ctx.requireContext) {
      const has = (this.keyTests(seg, det, plan) & KEY_MATCH) != 0 || this.keywordBefore(plan.positiveKeywords, seg.rawStart(e - 1), ctx.distance);
      if (!has) return;
    }
    // 2. Start: the smallest p whose reverse state accepts with the boundary holding before p.
    const lo = e > plan.maxLength ? e - plan.maxLength : 0;
    const rev = plan.reverse;
    const rows = changetype<usize>(rev.rows);
    const classes = changetype<usize>(rev.classes);
    let row = rev.startRow;
    let s: i32 = -1;
    for (let p = <i32>e - 1; p >= <i32>lo; p--) {
      // Same invariant as runSearch: validated tables keep the index inside rows.
      const entry = load<u32>(rows + ((<usize>(row + <u32>load<u8>(classes + <usize>load<u8>(data + p)))) << 2));
      row = entry & ROW_MASK;
      if (row == 0) break; // state 0 is dead (§1)
      if (entry & ACCEPT_BIT && (p == 0 || !plan.violates(<u32>load<u8>(data + p - 1)))) s = p;
    }
    if (s < 0) return;
    const start = <u32>s;
    // 3. End boundary.
    if (e < n && plan.violates(<u32>load<u8>(data + e))) return;
    // 4. Validator over the decoded match.
    if (!validate(d.validator, data + start, e - start)) return;
    // 5. Context and confidence with the real start.
    const rawS = seg.rawStart(start);
    const bits = this.keyTests(seg, det, plan);
    const positive = (bits & KEY_MATCH) != 0 || this.keywordBefore(plan.positiveKeywords, rawS, ctx.distance);
    if (ctx.requireContext && !positive) return;
    const negative = (bits & NEGATIVE_KEY_MATCH) != 0 || this.keywordBefore(plan.negativeKeywords, rawS, ctx.distance);
    let c = <i32>d.baseConfidence + (positive ? <i32>ctx.boost : 0) - (negative ? <i32>ctx.penalty : 0);
    c = max(0, min(100, c));
    if (<u32>c < max(d.minConfidence, this.minConfidence)) return;
    // 6. Same-detector overlap with the last kept finding of this detector.
    for (let k = this.keptCount - 1; k >= 0; k--) {
      if (!unchecked(this.keptAlive[k]) || unchecked(this.keptDet[k]) != <u32>det) continue;
      const ls = unchecked(this.keptStart[k]);
      const le = unchecked(this.keptEnd[k]);
      if (le <= start) break;
      if (e - start > le - ls) unchecked((this.keptAlive[k] = false));
      else return;
    }
    const k = this.keptCount++;
    // k < candidate count <= capacity: at most one kept entry per candidate.
    unchecked((this.keptDet[k] = <u32>det));
    unchecked((this.keptStart[k] = start));
    unchecked((this.keptEnd[k] = e));
    unchecked((this.keptConf[k] = <u32>c));
    unchecked((this.keptAlive[k] = true));
  }

  /** Turns the segment's surviving candidates into Findings (raw spans, preview, hash, path). */
  private emitKept(seg: Segment, paths: PathSource): void {
    let path = "";
    let pathDone = false;
    for (let k = 0; k < this.keptCount; k++) {
      if (!unchecked(this.keptAlive[k])) continue;
      const det = <i32>unchecked(this.keptDet[k]);
      const s = unchecked(this.keptStart[k]);
      const e = unchecked(this.keptEnd[k]);
      const d = this.plans[det].data;
      const f = this.out.push();
      f.detector = det;
      f.type = d.id;
      f.category = d.category;
      f.severity = d.severity;
      f.field = this.fieldKind;
      f.name = this.fieldName;
      f.start = seg.rawStart(s);
      f.end = seg.rawEnd(e - 1);
      if (!pathDone) {
        path = paths.hasPath() ? paths.path() : "";
        pathDone = true;
      }
      f.jsonPath = path;
      f.confidence = unchecked(this.keptConf[k]);
      f.masked = maskPreview(d.mask, seg.data + s, <i32>(e - s));
      f.valueHash = siphash24(this.hashKey0, this.hashKey1, seg.data + s, e - s);
    }
  }
}
