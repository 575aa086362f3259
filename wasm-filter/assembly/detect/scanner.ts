// The scanner (docs/detectors.md §2-§9): cuts each field into segments, runs every SEARCH
// automaton over each segment, then takes the candidates through start finding, boundaries,
// validators, context and overlaps. Steady state allocates nothing per byte: buffers are reused
// and grow only when a larger field arrives; objects are created only for findings.
import { AUTOMATON_SEARCH, RuleSetDetectors } from "../codec/rules-detectors";
import { ACCEPT_GATED, ACCEPT_PLAIN, Dfa, ROW_MASK } from "./automaton";
import { SearchAutomaton } from "./search-automaton";
import { ContextGate } from "./context-gate";
import { DetectorPlan } from "./detector-plan";
import { CsvWalker } from "./csv-walker";
import { bodyMode, FIELD_BODY, FIELD_HEADER, FIELD_QUERY, SYNTAX_CSV, SYNTAX_FORM, SYNTAX_JSON, SYNTAX_XML } from "./field-kinds";
import { Findings } from "./findings";
import { FormWalker } from "./form-walker";
import { JsonVisitor } from "./json-visitor";
import { JsonWalker } from "./json-walker";
import { ANY_GATED_KEY_MATCH, KEY_MATCH, KeyCache, NEGATIVE_KEY_MATCH } from "./key-cache";
import { KeywordSet } from "./keyword-set";
import { maskPreviewInto } from "./mask";
import { resolveOverlaps } from "./overlaps";
import { resolveSegmentOverlaps } from "./segment-overlaps";
import { GATED_POSSIBLE, KEYWORD_GATED_POSSIBLE, SearchPrefilter, segmentFeatures } from "./search-prefilter";
import { ScanLimits } from "./scan-limits";
import { ByteBuf, FixedPath, PathSource, Segment, SegmentSink } from "./segment";
import { siphash24 } from "./siphash";
import { validate } from "./validate";
import { XmlWalker } from "./xml-walker";

/**
 * The SEARCH automata a segment needs are run up to LANES at a time in one loop, whichever they
 * are: each lane's next row depends on its previous one (a load-latency chain), so independent
 * lanes overlap in the CPU and four cost about what one does.
 */
@inline const LANES: i32 = 4;
/**
 * A segment is matched BLOCK bytes at a time: every SEARCH automaton runs over the block (its
 * state carried to the next block), then the block's candidates go through §4 in end order.
 * Candidate storage so follows the block, not the segment; the order of §4 is kept because every
 * candidate of a block ends before any candidate of the next one.
 */
@inline const BLOCK: usize = 16384;
/** afterEnd() of a match that ends the segment: no byte follows, so no boundary is violated. */
@inline const END_OF_SEGMENT: u32 = 256;
/** Bytes per SEARCH automaton in the end-kill table: 256 bits, then the END_OF_SEGMENT byte. */
@inline const END_KILLS_STRIDE: usize = 33;

export class Scanner extends SegmentSink {
  private plans: Array<DetectorPlan>;
  /** SEARCH automata in RuleSet order. */
  private searches: Array<SearchAutomaton>;

  /** Public so the shape collector (telemetry/body-shape.ts) can reuse it once a scan is done. */
  seg: Segment = new Segment();
  private json: JsonWalker = new JsonWalker();
  private xml: XmlWalker = new XmlWalker();
  private form: FormWalker = new FormWalker();
  private csv: CsvWalker = new CsvWalker();
  private noPath: FixedPath = new FixedPath();
  private headerKey: ByteBuf = new ByteBuf();

  // The field being scanned.
  private field: usize = 0;
  private fieldKind: i32 = 0;
  private fieldName: string = "";
  private out: Findings = new Findings();
  private minConfidence: u32 = 0;

  // Candidates of one block, in (end, SEARCH automaton, accept list) order once sorted. Arrays
  // grow (doubling) when a block has more; they are never shrunk, so steady state allocates nothing.
  private candEnd: StaticArray<u32> = new StaticArray<u32>(256);
  private candDet: StaticArray<u32> = new StaticArray<u32>(256);
  private candCount: i32 = 0;
  private cur: Segment = this.seg;
  /** Row of each SEARCH automaton between blocks of one segment. */
  private laneRows: StaticArray<u32> = new StaticArray<u32>(0);

  // The inner loops read raw addresses, not object references: in AssemblyScript every managed
  // reference held in a local is spilled to the shadow stack around calls, which cost more than
  // the matching itself on short JSON values. The arrays stay referenced by the fields above.
  /** Per SEARCH automaton: address of its rows, of its 256 classes, its start row. */
  private searchRows: StaticArray<usize> = new StaticArray<usize>(0);
  private searchClasses: StaticArray<usize> = new StaticArray<usize>(0);
  private searchStart: StaticArray<u32> = new StaticArray<u32>(0);
  /**
   * Per SEARCH automaton, the row offset from which its states accept what a segment's mask lets
   * through: plainFrom (ordinary detectors only) and gatedFrom (require-context ones too).
   */
  private searchPlainFrom: StaticArray<u32> = new StaticArray<u32>(0);
  private searchGatedFrom: StaticArray<u32> = new StaticArray<u32>(0);
  private searchRowsAt: usize = 0;
  private searchClassesAt: usize = 0;
  private searchStartAt: usize = 0;
  private searchPlainFromAt: usize = 0;
  private searchGatedFromAt: usize = 0;
  private laneRowsAt: usize = 0;
  // For accept(), per SEARCH automaton: stateScale, addresses of accept offsets and detectors;
  // per detector: address of its boundary bitmap (0: none), whether it requires context.
  private searchStateScale: StaticArray<u64> = new StaticArray<u64>(0);
  private searchAcceptOffsets: StaticArray<usize> = new StaticArray<usize>(0);
  private searchAcceptDetectors: StaticArray<usize> = new StaticArray<usize>(0);
  private detectorBoundary: StaticArray<usize> = new StaticArray<usize>(0);
  /**
   * Per SEARCH automaton, END_KILLS_STRIDE bytes: bit b set when byte b after a match end violates
   * the boundary of every detector the automaton accepts (byte 32, the segment's end, is 0). An
   * accept followed by such a byte can record nothing, so the lanes skip the call: a digit run of
   * a card-length number otherwise calls accept() once per digit past the twelfth.
   */
  private searchEndKills: StaticArray<u8> = new StaticArray<u8>(0);
  private searchEndKillsAt: usize = 0;
  private searchStateScaleAt: usize = 0;
  private searchAcceptOffsetsAt: usize = 0;
  private searchAcceptDetectorsAt: usize = 0;
  private detectorBoundaryAt: usize = 0;
  private gatedAt: usize = 0;
  /** The current segment's bytes (this.cur.data, this.cur.n) for accept(). */
  private curData: usize = 0;
  private curN: usize = 0;
  private searchCount: i32 = 0;
  /** The SEARCH automata the current segment needs, in ascending order. */
  private needList: StaticArray<i32> = new StaticArray<i32>(0);

  // Findings kept in one segment (decoded offsets) before they become Findings (§4 step 6).
  private keptDet: StaticArray<u32> = new StaticArray<u32>(256);
  private keptStart: StaticArray<u32> = new StaticArray<u32>(256);
  private keptEnd: StaticArray<u32> = new StaticArray<u32>(256);
  private keptConf: StaticArray<u32> = new StaticArray<u32>(256);
  private keptAlive: StaticArray<bool> = new StaticArray<bool>(256);
  /** Previous kept entry of the same detector (-1: none): step 6 looks only at its own detector. */
  private keptPrev: StaticArray<i32> = new StaticArray<i32>(256);
  /** Raw span of each kept entry, filled when the segment's entries become Findings. */
  private keptRawStart: StaticArray<u32> = new StaticArray<u32>(256);
  private keptRawEnd: StaticArray<u32> = new StaticArray<u32>(256);
  private keptCount: i32 = 0;
  /** The path of the segment whose kept entries become Findings (spelled once per segment). */
  private pathBytes: ByteBuf = new ByteBuf();
  /** Last kept entry of each detector in the segment numbered lastKeptSegment[det]. */
  private lastKept: StaticArray<i32>;
  private lastKeptSegment: StaticArray<u32>;
  private segmentNo: u32 = 0;

  // Context: key tests cached by key; require-context detectors gated per segment.
  // Assigned in the constructor, not declared `name!:`: AssemblyScript reads a `!` field through a
  // null-checking getter call, which cost a call per segment.
  private keyCache: KeyCache;
  private prefilter: SearchPrefilter;
  private segKeyBits: usize = 0;
  private gate: ContextGate;
  private gated: StaticArray<bool>;
  private anyGated: bool = false;
  /** gate.anyUnslotted: some require-context detector is always possibly in context. */
  private anyUnslotted: bool = false;
  /** Offset of KeyCache's summary byte after the per-detector bytes. */
  private detectorCount: usize = 0;
  /** The segment's gate.possible() slots (step 1, coarse), for the per-candidate test. */
  private segSlots: u64 = 0;

  constructor(
    public rules: RuleSetDetectors,
    public hashKey0: u64 = 0,
    public hashKey1: u64 = 0,
  ) {
    super();
    // The context parts are built from locals and assigned before `this` is used otherwise, as
    // fields without `!` must be (see above).
    const nd = rules.detectors.length;
    const gated = new StaticArray<bool>(nd);
    let anyGated = false;
    for (let i = 0; i < nd; i++) {
      if (rules.detectors[i].context.requireContext) {
        gated[i] = true;
        anyGated = true;
      }
    }
    const dfas = new Array<Dfa>(rules.automata.length);
    const searches = new Array<SearchAutomaton>();
    const searchIndex = new StaticArray<i32>(rules.automata.length);
    for (let i = 0; i < rules.automata.length; i++) {
      const a = rules.automata[i];
      dfas[i] = new Dfa(a, gated);
      searchIndex[i] = -1;
      if (a.kind == AUTOMATON_SEARCH) {
        searchIndex[i] = searches.length;
        searches.push(new SearchAutomaton(a, gated));
      }
    }
    const plans = new Array<DetectorPlan>();
    for (let i = 0; i < nd; i++) {
      const d = rules.detectors[i];
      plans.push(new DetectorPlan(d, dfas[d.reverseAutomaton]));
    }
    const searchOf = new StaticArray<i32>(nd);
    for (let i = 0; i < nd; i++) searchOf[i] = searchIndex[rules.detectors[i].searchAutomaton];
    const gate = new ContextGate(plans);
    const keyworded = new StaticArray<bool>(nd);
    for (let i = 0; i < nd; i++) keyworded[i] = gate.slotOf[i] >= 0;
    this.gate = gate;
    this.prefilter = new SearchPrefilter(plans, searchOf, searches.length, keyworded);
    this.keyCache = new KeyCache(plans);
    this.gated = gated;
    this.anyGated = anyGated;
    this.plans = plans;
    this.searches = searches;
    this.lastKept = new StaticArray<i32>(nd);
    this.lastKeptSegment = new StaticArray<u32>(nd);
    this.laneRows = new StaticArray<u32>(searches.length);
    this.layOutSearches();
    this.anyUnslotted = gate.anyUnslotted;
    this.detectorCount = <usize>nd;
  }

  /** Fills the raw-address tables of the inner loops from `searches`. */
  private layOutSearches(): void {
    const count = this.searches.length;
    this.searchCount = count;
    this.needList = new StaticArray<i32>(count);
    this.searchRows = new StaticArray<usize>(count);
    this.searchClasses = new StaticArray<usize>(count);
    this.searchStart = new StaticArray<u32>(count);
    this.searchPlainFrom = new StaticArray<u32>(count);
    this.searchGatedFrom = new StaticArray<u32>(count);
    this.searchStateScale = new StaticArray<u64>(count);
    this.searchAcceptOffsets = new StaticArray<usize>(count);
    this.searchAcceptDetectors = new StaticArray<usize>(count);
    for (let a = 0; a < count; a++) {
      const dfa = this.searches[a];
      this.searchRows[a] = changetype<usize>(dfa.rows);
      this.searchClasses[a] = changetype<usize>(dfa.classes);
      this.searchStart[a] = dfa.startRow;
      this.searchPlainFrom[a] = dfa.plainFrom;
      this.searchGatedFrom[a] = dfa.gatedFrom;
      this.searchStateScale[a] = dfa.stateScale;
      this.searchAcceptOffsets[a] = changetype<usize>(dfa.acceptOffsets);
      this.searchAcceptDetectors[a] = changetype<usize>(dfa.acceptDetectors);
    }
    const nd = this.plans.length;
    this.detectorBoundary = new StaticArray<usize>(nd);
    for (let d = 0; d < nd; d++) this.detectorBoundary[d] = this.plans[d].boundary;
    this.searchEndKills = endKillTables(this.searches, this.plans);
    this.searchEndKillsAt = changetype<usize>(this.searchEndKills);
    this.searchStateScaleAt = changetype<usize>(this.searchStateScale);
    this.searchAcceptOffsetsAt = changetype<usize>(this.searchAcceptOffsets);
    this.searchAcceptDetectorsAt = changetype<usize>(this.searchAcceptDetectors);
    this.detectorBoundaryAt = changetype<usize>(this.detectorBoundary);
    this.gatedAt = changetype<usize>(this.gated);
    this.searchRowsAt = changetype<usize>(this.searchRows);
    this.searchClassesAt = changetype<usize>(this.searchClasses);
    this.searchStartAt = changetype<usize>(this.searchStart);
    this.searchPlainFromAt = changetype<usize>(this.searchPlainFrom);
    this.searchGatedFromAt = changetype<usize>(this.searchGatedFrom);
    this.laneRowsAt = changetype<usize>(this.laneRows);
  }

  /** A header value; `name` lower case. */
  scanHeader(name: string, ptr: usize, len: usize, out: Findings, limits: ScanLimits): void {
    if (!this.beginField(FIELD_HEADER, name, ptr, len, out, limits)) return;
    this.headerKey.len = 0;
    if (!this.headerKey.appendAscii(name)) {
      const utf8 = String.UTF8.encode(name);
      this.headerKey.append(changetype<usize>(utf8), <usize>utf8.byteLength);
    }
    this.seg.setIdentity(ptr, 0, len);
    this.seg.keyPtr = this.headerKey.ptr;
    this.seg.keyLen = this.headerKey.len;
    this.onSegment(this.seg, this.noPath);
    this.endField(limits);
  }

  /** The raw query string (without `?`). */
  scanQuery(ptr: usize, len: usize, out: Findings, limits: ScanLimits): void {
    if (!this.beginField(FIELD_QUERY, "", ptr, len, out, limits)) return;
    this.form.walk(ptr, len, this.seg, this);
    this.endField(limits);
  }

  /**
   * A body. `syntax` is bodySyntax(contentType); the mode (JSON, form, XML, CSV, text) is settled with
   * the body's first byte as docs/detectors.md §2 says (bodyMode). A JSON body's structure goes
   * to `shapes` in the same walk; nothing does when the finding limit skips the body.
   */
  scanBody(syntax: i32, ptr: usize, len: usize, out: Findings, limits: ScanLimits, shapes: JsonVisitor | null = null): void {
    if (!this.beginField(FIELD_BODY, "", ptr, len, out, limits)) return;
    const n = min(len, <usize>limits.maxFieldBytes);
    const mode = bodyMode(syntax, ptr, n);
    if (mode == SYNTAX_JSON) this.json.walk(ptr, n, this.seg, this, shapes);
    else if (mode == SYNTAX_FORM) this.form.walk(ptr, n, this.seg, this);
    else if (mode == SYNTAX_XML) this.xml.walk(ptr, n, this.seg, this);
    else if (mode == SYNTAX_CSV) this.csv.walk(ptr, n, this.seg, this);
    else {
      this.seg.setIdentity(ptr, 0, n);
      this.seg.keyLen = 0;
      this.onSegment(this.seg, this.noPath);
    }
    this.endField(limits);
  }

  private beginField(kind: i32, name: string, ptr: usize, len: usize, out: Findings, limits: ScanLimits): bool {
    // Only a body is cut at maxFieldBytes (docs/detectors.md §9): a header or query is whole, its
    // size bounded by the proxy's header limits.
    const scanned = kind == FIELD_BODY ? min(len, <usize>limits.maxFieldBytes) : len;
    if (scanned < len) out.truncated = true;
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
    this.fieldDone = false;
    this.maxFindings = limits.maxFindings;
    this.minConfidence = limits.minConfidence;
    this.gate.beginField(ptr, scanned);
    return true;
  }
  private fieldStart: i32 = 0;
  /** The field's output is settled (settle()): the rest of its segments cannot change it. */
  private fieldDone: bool = false;
  private maxFindings: u32 = 0;

  /**
   * Called when the field's findings exceed maxFindings. Walkers hand over segments in wire order
   * with disjoint raw spans, so a later finding can overlap (§7) no finding found so far and sorts
   * after all of them: once more than maxFindings survive §7, the event's findings are those
   * (truncated, §9) whatever the rest of the field holds, and its remaining segments are skipped.
   * Resolving overlaps now and again at endField gives what one resolution at the end would.
   */
  private settle(): void {
    resolveOverlaps(this.out, this.fieldStart);
    if (<u32>this.out.count > this.maxFindings) this.fieldDone = true;
  }

  private endField(limits: ScanLimits): void {
    resolveOverlaps(this.out, this.fieldStart);
    if (<u32>this.out.count > limits.maxFindings) {
      this.out.truncate(<i32>limits.maxFindings);
      this.out.truncated = true;
    }
  }

  /** Doubles the candidate arrays (a block with more candidates than ever before). */
  private growCandidates(): void {
    const cap = this.candEnd.length << 1;
    this.candEnd = grown<u32>(this.candEnd, cap);
    this.candDet = grown<u32>(this.candDet, cap);
  }

  /** Doubles the kept arrays (a segment with more kept matches than ever before). */
  private growKept(): void {
    const cap = this.keptDet.length << 1;
    this.keptDet = grown<u32>(this.keptDet, cap);
    this.keptStart = grown<u32>(this.keptStart, cap);
    this.keptEnd = grown<u32>(this.keptEnd, cap);
    this.keptConf = grown<u32>(this.keptConf, cap);
    this.keptAlive = grown<bool>(this.keptAlive, cap);
    this.keptPrev = grown<i32>(this.keptPrev, cap);
    this.keptRawStart = grown<u32>(this.keptRawStart, cap);
    this.keptRawEnd = grown<u32>(this.keptRawEnd, cap);
  }

  /** §4: every SEARCH automaton over the segment, then the candidates in (end, automaton, accept) order. */
  onSegment(seg: Segment, paths: PathSource): void {
    const n = seg.n;
    if (n == 0 || this.fieldDone) return;
    if (this.cur !== seg) this.cur = seg; // the walkers hand over the same Segment: no write barrier per segment
    this.curData = seg.data;
    this.curN = n;
    const data = seg.data;
    // Which detectors may have a finding here at all, by the segment's byte features and length.
    // None (a short word, a small number): the key and the gate are not even asked.
    const prefilter = this.prefilter;
    prefilter.lookup(segmentFeatures(data, n), n);
    if (prefilter.all == 0) return;
    const possible = prefilter.flags;
    const keyBits = this.keyCache.lookup(seg.keyPtr, seg.keyLen);
    this.segKeyBits = keyBits;
    // Whether any require-context detector may have context anywhere in this segment (step 1,
    // coarse): a matching key, or a keyword near. Which one is asked per candidate (gatedOn). The
    // gate is asked only when a detector it has slots for may have a finding in the segment;
    // otherwise no such detector accepts here and the slots are never read.
    let mask = ACCEPT_PLAIN;
    let slots: u64 = 0;
    if (this.anyGated && (possible & GATED_POSSIBLE) != 0) {
      if ((possible & KEYWORD_GATED_POSSIBLE) != 0) slots = this.gate.possibleNow(seg.rawStart(0), seg.rawStart(n - 1));
      if (slots != 0 || this.anyUnslotted || (load<u8>(keyBits + this.detectorCount) & ANY_GATED_KEY_MATCH) != 0) mask |= ACCEPT_GATED;
    }
    this.segSlots = slots;
    this.keptCount = 0;
    this.segmentNo++;
    // The SEARCH automata that may find something in this segment (bit a: automaton a).
    const need = (mask & ACCEPT_GATED) != 0 ? prefilter.all : prefilter.plain;
    if (need == 0) return;
    // The needed automata in ascending order (all of them when the prefilter is off), run LANES
    // at a time (the last run by a loop of as many lanes as it has automata): candidates of one
    // run come in (end, automaton) order.
    const list = this.needList;
    let m = 0;
    if (this.prefilter.enabled) {
      for (let rest = need; rest != 0; rest &= rest - 1) unchecked((list[m++] = <i32>ctz(rest))); // a bit per automaton: m <= searchCount
    } else {
      for (; m < this.searchCount; m++) unchecked((list[m] = m));
    }
    // Where each automaton's states start accepting what the mask lets through (SearchAutomaton).
    const thresholds = (mask & ACCEPT_GATED) != 0 ? this.searchGatedFromAt : this.searchPlainFromAt;
    for (let from: usize = 0; from < n; from += BLOCK) {
      const to = min(n, from + BLOCK);
      const more = to < n;
      this.candCount = 0;
      let groupsWithCandidates = 0;
      for (let k = 0; k < m; k += LANES) {
        const before = this.candCount;
        // k < m <= searchCount = needList.length
        if (k + 1 == m) this.runOne(unchecked(list[k]), data, from, to, thresholds, more);
        else if (k + 2 == m) this.runTwo(unchecked(list[k]), unchecked(list[k + 1]), data, from, to, thresholds, more);
        else if (k + 3 == m) this.runThree(unchecked(list[k]), unchecked(list[k + 1]), unchecked(list[k + 2]), data, from, to, thresholds, more);
        else this.runLanes(unchecked(list[k]), unchecked(list[k + 1]), unchecked(list[k + 2]), unchecked(list[k + 3]), data, from, to, thresholds, more);
        if (this.candCount > before) groupsWithCandidates++;
      }
      if (groupsWithCandidates > 1) this.sortCandidates();
      for (let c = 0; c < this.candCount; c++) this.candidate(seg, <i32>unchecked(this.candDet[c]), unchecked(this.candEnd[c]));
    }
    if (this.keptCount > 0) {
      this.emitKept(seg, paths);
      if (<u32>this.out.count > this.maxFindings) this.settle();
    }
  }

  /** Row of SEARCH automaton a at `from`: its start row, or where the previous block left it. */
  @inline private rowAt(a: i32, from: usize): u32 {
    // a < searchCount = searchStart.length = laneRows.length
    return load<u32>((from == 0 ? this.searchStartAt : this.laneRowsAt) + (<usize>a << 2));
  }

  /**
   * The DFA inner loop, four SEARCH automata at once (any four): per byte and
   * automaton a class load and a row load. Accepts leave the loop through accept(). `more`:
   * another block of the segment follows, so the rows are kept.
   */
  private runLanes(a0: i32, a1: i32, a2: i32, a3: i32, data: usize, from: usize, to: usize, thresholds: usize, more: bool): void {
    // a0..a3 < searchCount: the raw tables have searchCount entries.
    const rowsAt = this.searchRowsAt;
    const classesAt = this.searchClassesAt;
    const t0 = load<usize>(rowsAt + (<usize>a0 << alignof<usize>()));
    const t1 = load<usize>(rowsAt + (<usize>a1 << alignof<usize>()));
    const t2 = load<usize>(rowsAt + (<usize>a2 << alignof<usize>()));
    const t3 = load<usize>(rowsAt + (<usize>a3 << alignof<usize>()));
    const c0 = load<usize>(classesAt + (<usize>a0 << alignof<usize>()));
    const c1 = load<usize>(classesAt + (<usize>a1 << alignof<usize>()));
    const c2 = load<usize>(classesAt + (<usize>a2 << alignof<usize>()));
    const c3 = load<usize>(classesAt + (<usize>a3 << alignof<usize>()));
    let r0 = this.rowAt(a0, from);
    let r1 = this.rowAt(a1, from);
    let r2 = this.rowAt(a2, from);
    let r3 = this.rowAt(a3, from);
    const h0 = lastSilent(thresholds, a0);
    const h1 = lastSilent(thresholds, a1);
    const h2 = lastSilent(thresholds, a2);
    const h3 = lastSilent(thresholds, a3);
    for (let i = from; i < to; i++) {
      // Safe without bounds checks: a row offset is next * class_count * 4 with next < state_count
      // and a class byte < class_count (both checked by decodeRuleSetDetectors), so row + class * 4
      // < rows.length * 4; class tables have 256 entries and are indexed by a byte.
      const b = <usize>load<u8>(data + i);
      r0 = load<u32>(t0 + (<usize>load<u8>(c0 + b) << 2) + <usize>r0);
      r1 = load<u32>(t1 + (<usize>load<u8>(c1 + b) << 2) + <usize>r1);
      r2 = load<u32>(t2 + (<usize>load<u8>(c2 + b) << 2) + <usize>r2);
      r3 = load<u32>(t3 + (<usize>load<u8>(c3 + b) << 2) + <usize>r3);
      if (<i32>((h0 - r0) | (h1 - r1) | (h2 - r2) | (h3 - r3)) < 0) {
        const end = <u32>(i + 1);
        const after = this.afterEnd(data, end);
        if (accepting(h0, r0) && !this.endKills(a0, after)) this.accept(a0, r0, end);
        if (accepting(h1, r1) && !this.endKills(a1, after)) this.accept(a1, r1, end);
        if (accepting(h2, r2) && !this.endKills(a2, after)) this.accept(a2, r2, end);
        if (accepting(h3, r3) && !this.endKills(a3, after)) this.accept(a3, r3, end);
      }
    }
    if (more) {
      const at = this.laneRowsAt; // a0..a3 < laneRows.length = searchCount
      store<u32>(at + (<usize>a0 << 2), r0);
      store<u32>(at + (<usize>a1 << 2), r1);
      store<u32>(at + (<usize>a2 << 2), r2);
      store<u32>(at + (<usize>a3 << 2), r3);
    }
  }

  /**
   * Two SEARCH automata over [from, to), as runLanes does four: the last run of a segment gets a
   * loop of as many lanes as it has automata (idle lanes padding it cost as much as real ones).
   */
  private runTwo(a0: i32, a1: i32, data: usize, from: usize, to: usize, thresholds: usize, more: bool): void {
    // a0, a1 < searchCount: the raw tables' entries (see runLanes).
    const t0 = load<usize>(this.searchRowsAt + (<usize>a0 << alignof<usize>()));
    const t1 = load<usize>(this.searchRowsAt + (<usize>a1 << alignof<usize>()));
    const c0 = load<usize>(this.searchClassesAt + (<usize>a0 << alignof<usize>()));
    const c1 = load<usize>(this.searchClassesAt + (<usize>a1 << alignof<usize>()));
    let r0 = this.rowAt(a0, from);
    let r1 = this.rowAt(a1, from);
    const h0 = lastSilent(thresholds, a0);
    const h1 = lastSilent(thresholds, a1);
    for (let i = from; i < to; i++) {
      // Same invariant as runLanes: validated tables keep the index inside rows.
      const b = <usize>load<u8>(data + i);
      r0 = load<u32>(t0 + (<usize>load<u8>(c0 + b) << 2) + <usize>r0);
      r1 = load<u32>(t1 + (<usize>load<u8>(c1 + b) << 2) + <usize>r1);
      if (<i32>((h0 - r0) | (h1 - r1)) < 0) {
        const end = <u32>(i + 1);
        const after = this.afterEnd(data, end);
        if (accepting(h0, r0) && !this.endKills(a0, after)) this.accept(a0, r0, end);
        if (accepting(h1, r1) && !this.endKills(a1, after)) this.accept(a1, r1, end);
      }
    }
    if (more) {
      store<u32>(this.laneRowsAt + (<usize>a0 << 2), r0);
      store<u32>(this.laneRowsAt + (<usize>a1 << 2), r1);
    }
  }

  /** Three SEARCH automata over [from, to), as runTwo does two. */
  private runThree(a0: i32, a1: i32, a2: i32, data: usize, from: usize, to: usize, thresholds: usize, more: bool): void {
    // a0..a2 < searchCount: the raw tables' entries (see runLanes).
    const rowsAt = this.searchRowsAt;
    const classesAt = this.searchClassesAt;
    const t0 = load<usize>(rowsAt + (<usize>a0 << alignof<usize>()));
    const t1 = load<usize>(rowsAt + (<usize>a1 << alignof<usize>()));
    const t2 = load<usize>(rowsAt + (<usize>a2 << alignof<usize>()));
    const c0 = load<usize>(classesAt + (<usize>a0 << alignof<usize>()));
    const c1 = load<usize>(classesAt + (<usize>a1 << alignof<usize>()));
    const c2 = load<usize>(classesAt + (<usize>a2 << alignof<usize>()));
    let r0 = this.rowAt(a0, from);
    let r1 = this.rowAt(a1, from);
    let r2 = this.rowAt(a2, from);
    const h0 = lastSilent(thresholds, a0);
    const h1 = lastSilent(thresholds, a1);
    const h2 = lastSilent(thresholds, a2);
    for (let i = from; i < to; i++) {
      // Same invariant as runLanes: validated tables keep the index inside rows.
      const b = <usize>load<u8>(data + i);
      r0 = load<u32>(t0 + (<usize>load<u8>(c0 + b) << 2) + <usize>r0);
      r1 = load<u32>(t1 + (<usize>load<u8>(c1 + b) << 2) + <usize>r1);
      r2 = load<u32>(t2 + (<usize>load<u8>(c2 + b) << 2) + <usize>r2);
      if (<i32>((h0 - r0) | (h1 - r1) | (h2 - r2)) < 0) {
        const end = <u32>(i + 1);
        const after = this.afterEnd(data, end);
        if (accepting(h0, r0) && !this.endKills(a0, after)) this.accept(a0, r0, end);
        if (accepting(h1, r1) && !this.endKills(a1, after)) this.accept(a1, r1, end);
        if (accepting(h2, r2) && !this.endKills(a2, after)) this.accept(a2, r2, end);
      }
    }
    if (more) {
      const at = this.laneRowsAt; // a0..a2 < laneRows.length = searchCount
      store<u32>(at + (<usize>a0 << 2), r0);
      store<u32>(at + (<usize>a1 << 2), r1);
      store<u32>(at + (<usize>a2 << 2), r2);
    }
  }

  /** One SEARCH automaton over [from, to): a segment, or the last of a run, that needs only it. */
  private runOne(a: i32, data: usize, from: usize, to: usize, thresholds: usize, more: bool): void {
    // a < searchCount = searchRows.length = searchClasses.length = laneRows.length
    const t = load<usize>(this.searchRowsAt + (<usize>a << alignof<usize>()));
    const c = load<usize>(this.searchClassesAt + (<usize>a << alignof<usize>()));
    let r = this.rowAt(a, from);
    const h = lastSilent(thresholds, a);
    for (let i = from; i < to; i++) {
      // Same invariant as runLanes: validated tables keep the index inside rows.
      r = load<u32>(t + (<usize>load<u8>(c + <usize>load<u8>(data + i)) << 2) + <usize>r);
      if (accepting(h, r)) {
        const end = <u32>(i + 1);
        if (!this.endKills(a, this.afterEnd(data, end))) this.accept(a, r, end);
      }
    }
    if (more) store<u32>(this.laneRowsAt + (<usize>a << 2), r);
  }

  /** The byte after a match ending at `end` in the current segment, END_OF_SEGMENT past its last. */
  @inline private afterEnd(data: usize, end: u32): u32 {
    return <usize>end < this.curN ? <u32>load<u8>(data + <usize>end) : END_OF_SEGMENT;
  }

  /** Whether `after` (afterEnd) violates the boundary of every detector SEARCH automaton a accepts. */
  @inline private endKills(a: i32, after: u32): bool {
    // a < searchCount; after <= END_OF_SEGMENT = 256, bit 0 of the table's byte 32.
    return (load<u8>(this.searchEndKillsAt + (<usize>a * END_KILLS_STRIDE) + <usize>(after >> 3)) & (1 << (after & 7))) != 0;
  }

  /**
   * Whether require-context detector `det` may have context in the current segment: exactly the
   * per-segment test (key match or a keyword the gate found near), asked only on its accepts.
   */
  @inline private gatedOn(det: u32): bool {
    return (load<u8>(this.segKeyBits + <usize>det) & KEY_MATCH) != 0 || this.gate.maybe(<i32>det, this.segSlots);
  }

  /**
   * Records the candidates of an accepting state. Those §4 would drop whatever their start — the
   * byte after the end is in the detector's boundary (step 3), or a require-context detector has
   * no context (step 1) — are dropped here, so a long run of token bytes yields one candidate, not
   * one per byte.
   */
  private accept(search: i32, row: u32, end: u32): void {
    // Raw reads, all inside their arrays: search < searchCount (the per-automaton arrays' length);
    // row is a row byte offset of that automaton, so state < state_count and acceptOffsets has
    // state_count + 1 entries; accept offsets and detector ids were checked at decode
    // (det < detectors.length = detectorBoundary.length = gated.length).
    const at = <usize>search << alignof<usize>();
    const state = <u32>((<u64>(row >> 2) * load<u64>(this.searchStateScaleAt + (<usize>search << 3))) >> 32);
    const offsets = load<usize>(this.searchAcceptOffsetsAt + at) + (<usize>state << 2);
    const dets = load<usize>(this.searchAcceptDetectorsAt + at);
    const from = load<u32>(offsets);
    const to = load<u32>(offsets, 4);
    const after = <usize>end < this.curN ? <u32>load<u8>(this.curData + <usize>end) : 0x100;
    for (let k = from; k < to; k++) {
      const det = load<u32>(dets + (<usize>k << 2));
      if (after < 0x100) {
        const boundary = load<usize>(this.detectorBoundaryAt + (<usize>det << alignof<usize>()));
        if (boundary != 0 && (load<u8>(boundary + (after >> 3)) & (1 << (after & 7))) != 0) continue;
      }
      if (load<u8>(this.gatedAt + <usize>det) != 0) {
        if (!this.gatedOn(det)) continue;
        if (!this.stepOne(<i32>det, end)) continue;
      }
      if (this.candCount == this.candEnd.length) this.growCandidates();
      const c = this.candCount++;
      unchecked((this.candEnd[c] = end)); // c < candEnd.length = candDet.length: grown above
      unchecked((this.candDet[c] = det));
    }
  }

  /**
   * §4 step 1: key test, or a positive keyword in the widest window step 5 could use — from
   * `distance` before the raw start of the earliest possible match start to the raw start of the
   * last matched byte.
   */
  private stepOne(det: i32, end: u32): bool {
    if ((load<u8>(this.segKeyBits + <usize>det) & KEY_MATCH) != 0) return true;
    const plan = unchecked(this.plans[det]); // det: a detector id checked at decode, < plans.length
    const distance = plan.data.context.distance;
    if (distance == 0) return false;
    const earliest = end > plan.maxLength ? end - plan.maxLength : 0;
    const wideFrom = this.cur.rawStart(earliest);
    return this.keywordIn(plan.positiveSet, wideFrom > distance ? wideFrom - distance : 0, this.cur.rawStart(end - 1));
  }

  /** Stable insertion sort of the candidates by end (groups were appended in automaton order). */
  private sortCandidates(): void {
    for (let i = 1; i < this.candCount; i++) {
      const e = unchecked(this.candEnd[i]); // i < candCount <= capacity
      const d = unchecked(this.candDet[i]);
      let j = i - 1;
      while (j >= 0 && unchecked(this.candEnd[j]) > e) {
        unchecked((this.candEnd[j + 1] = this.candEnd[j]));
        unchecked((this.candDet[j + 1] = this.candDet[j]));
        j--;
      }
      unchecked((this.candEnd[j + 1] = e));
      unchecked((this.candDet[j + 1] = d));
    }
  }

  /** Any of `words` within the raw window [rawStart - distance, rawStart) of the field. */
  private keywordBefore(words: KeywordSet, rawStart: u32, distance: u32): bool {
    return this.keywordIn(words, rawStart > distance ? rawStart - distance : 0, rawStart);
  }

  /** Any of `words` at a word start within the raw field bytes [from, to). */
  private keywordIn(words: KeywordSet, from: u32, to: u32): bool {
    return words.anyIn(this.field, from, to);
  }

  /** §4 steps 1-6 for candidate (det, e). */
  private candidate(seg: Segment, det: i32, e: u32): void {
    const plan = unchecked(this.plans[det]); // det: a detector id checked at decode, < plans.length
    const d = plan.data;
    const ctx = d.context;
    const data = seg.data;
    const n = <u32>seg.n;
    // 1. Require context: done in accept() (stepOne) before the candidate was recorded.
    // 2. Start: the smallest p whose reverse state accepts with the boundary holding before p.
    const lo = e > plan.maxLength ? e - plan.maxLength : 0;
    const rev = plan.reverse;
    const rows = changetype<usize>(rev.rows);
    const classes = changetype<usize>(rev.classes);
    let row = rev.startRow;
    let s: i32 = -1;
    for (let p = <i32>e - 1; p >= <i32>lo; p--) {
      // Same invariant as runLanes: validated tables keep the index inside rows.
      const entry = load<u32>(rows + (<usize>load<u8>(classes + <usize>load<u8>(data + p)) << 2) + <usize>row);
      row = entry & ROW_MASK;
      if (row == 0) break; // state 0 is dead (§1)
      if ((entry & (ACCEPT_PLAIN | ACCEPT_GATED)) != 0 && (p == 0 || !plan.violates(<u32>load<u8>(data + p - 1)))) s = p;
    }
    if (s < 0) return;
    const start = <u32>s;
    // 3. End boundary.
    if (e < n && plan.violates(<u32>load<u8>(data + e))) return;
    // 4. Validator over the decoded match.
    if (!validate(d.validator, data + start, e - start)) return;
    // 5. Context and confidence with the real start.
    const rawS = seg.rawStart(start);
    const bits = load<u8>(this.segKeyBits + <usize>det);
    const positive = (bits & KEY_MATCH) != 0 || this.keywordBefore(plan.positiveSet, rawS, ctx.distance);
    if (ctx.requireContext && !positive) return;
    const negative = (bits & NEGATIVE_KEY_MATCH) != 0 || this.keywordBefore(plan.negativeSet, rawS, ctx.distance);
    let c = <i32>d.baseConfidence + (positive ? <i32>ctx.boost : 0) - (negative ? <i32>ctx.penalty : 0);
    c = max(0, min(100, c));
    if (<u32>c < max(d.minConfidence, this.minConfidence)) return;
    // 6. Same-detector overlap with the last kept finding of this detector. Only the chain's tail
    // is ever removed, so the chain holds exactly the detector's live kept entries.
    // det < detectors.length = lastKept.length = lastKeptSegment.length; chain indexes < keptCount.
    let last = unchecked(this.lastKeptSegment[det]) == this.segmentNo ? unchecked(this.lastKept[det]) : -1;
    while (last >= 0) {
      const ls = unchecked(this.keptStart[last]);
      const le = unchecked(this.keptEnd[last]);
      if (le <= start) break;
      if (e - start <= le - ls) return;
      unchecked((this.keptAlive[last] = false));
      last = unchecked(this.keptPrev[last]);
    }
    if (this.keptCount == this.keptDet.length) this.growKept();
    const k = this.keptCount++;
    // k < keptDet.length (grown above) = length of every kept array.
    unchecked((this.keptPrev[k] = last));
    unchecked((this.lastKept[det] = k));
    unchecked((this.lastKeptSegment[det] = this.segmentNo));
    unchecked((this.keptDet[k] = <u32>det));
    unchecked((this.keptStart[k] = start));
    unchecked((this.keptEnd[k] = e));
    unchecked((this.keptConf[k] = <u32>c));
    unchecked((this.keptAlive[k] = true));
  }

  /**
   * Turns the segment's surviving candidates into Findings (raw spans, preview, hash, path), once
   * the overlaps between them are settled (segment-overlaps.ts).
   */
  private emitKept(seg: Segment, paths: PathSource): void {
    const count = this.keptCount;
    // k < keptCount <= the length of every kept array.
    for (let k = 0; k < count; k++) {
      unchecked((this.keptRawStart[k] = seg.rawStart(unchecked(this.keptStart[k]))));
      unchecked((this.keptRawEnd[k] = seg.rawEnd(unchecked(this.keptEnd[k]) - 1)));
    }
    if (count > 1) resolveSegmentOverlaps(count, this.keptDet, this.keptConf, this.keptAlive, this.keptRawStart, this.keptRawEnd);
    let pathDone = false;
    let hasPath = false;
    for (let k = 0; k < count; k++) {
      if (!unchecked(this.keptAlive[k])) continue;
      const det = <i32>unchecked(this.keptDet[k]);
      const s = unchecked(this.keptStart[k]);
      const e = unchecked(this.keptEnd[k]);
      const d = unchecked(this.plans[det]).data; // kept detectors come from candidate(): < plans.length
      const f = this.out.push();
      f.detector = det;
      f.type = d.id;
      f.category = d.category;
      f.severity = d.severity;
      f.field = this.fieldKind;
      f.name = this.fieldName;
      f.start = unchecked(this.keptRawStart[k]);
      f.end = unchecked(this.keptRawEnd[k]);
      if (!pathDone) {
        hasPath = paths.hasPath();
        if (hasPath) paths.spellPath(this.pathBytes);
        pathDone = true;
      }
      if (hasPath) f.setPath(this.pathBytes.ptr, <i32>this.pathBytes.len);
      else f.pathLength = 0;
      f.confidence = unchecked(this.keptConf[k]);
      f.maskedLength = maskPreviewInto(d.mask, seg.data + s, <i32>(e - s), changetype<usize>(f.maskedBytes));
      f.valueHash = siphash24(this.hashKey0, this.hashKey1, seg.data + s, e - s);
    }
  }
}


/**
 * One less than SEARCH automaton a's threshold in the table chosen for the segment (its entry a:
 * a < searchCount = the table's length): the last row offset that accepts nothing the segment
 * lets through; U32.MAX_VALUE when every state does (threshold 0).
 */
@inline function lastSilent(thresholds: usize, a: i32): u32 {
  return load<u32>(thresholds + (<usize>a << 2)) - 1;
}

/**
 * Whether row offset r is at or past the threshold whose lastSilent is h: h - r is negative as an
 * i32 exactly then, as row offsets (< 2^26, see SearchAutomaton) are far from the sign bit, and a
 * negative difference of several lanes ORed together says some lane accepts.
 */
@inline function accepting(h: u32, r: u32): bool {
  return <i32>(h - r) < 0;
}

/**
 * The end-kill table (Scanner.searchEndKills): per SEARCH automaton, the AND of the boundary
 * bitmaps of every detector it accepts in some state (a detector without a boundary, or an
 * automaton accepting none, leaves it empty: nothing is skipped).
 */
function endKillTables(searches: Array<SearchAutomaton>, plans: Array<DetectorPlan>): StaticArray<u8> {
  const table = new StaticArray<u8>(searches.length * <i32>END_KILLS_STRIDE);
  for (let a = 0; a < searches.length; a++) {
    const dets = searches[a].acceptDetectors;
    const at = a * <i32>END_KILLS_STRIDE;
    for (let i = 0; i < 32; i++) table[at + i] = dets.length > 0 ? 0xff : 0;
    for (let k = 0; k < dets.length; k++) {
      const boundary = plans[dets[k]].boundary;
      for (let i = 0; i < 32; i++) table[at + i] &= boundary != 0 ? load<u8>(boundary + <usize>i) : 0;
    }
  }
  return table;
}

/** A copy of `a` with capacity `cap` (>= a.length). */
function grown<T>(a: StaticArray<T>, cap: i32): StaticArray<T> {
  const b = new StaticArray<T>(cap);
  memory.copy(changetype<usize>(b), changetype<usize>(a), <usize>a.length * sizeof<T>());
  return b;
}
