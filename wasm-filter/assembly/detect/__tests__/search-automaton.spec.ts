import { AutomatonData } from "../../codec/rules-detectors";
import { SearchAutomaton, stateScaleOf } from "../search-automaton";

@inline const STATES: u32 = 6;
@inline const CLASSES: u32 = 3;

/**
 * A SEARCH automaton whose states accept, by id: 0 nothing, 1 nothing (start), 2 detector 0
 * (ordinary), 3 detector 1 (require-context), 4 both, 5 detector 0 again; so the renumbering has
 * every kind to sort and a kind holding two states. Byte b is class b % 3; state s goes to
 * (s * 2 + c + 1) % 6 on class c, which reaches every state from the start.
 */
function automaton(): AutomatonData {
  const a = new AutomatonData();
  a.classCount = CLASSES;
  a.stateCount = STATES;
  a.startState = 1;
  a.kind = 1;
  a.byteClasses = new StaticArray<u8>(256);
  for (let b = 0; b < 256; b++) a.byteClasses[b] = <u8>(b % 3);
  a.entryBytes = 2;
  a.transitions = new StaticArray<u8>(<i32>(STATES * CLASSES * 2));
  for (let s: u32 = 0; s < STATES; s++) {
    for (let c: u32 = 0; c < CLASSES; c++) store<u16>(changetype<usize>(a.transitions) + ((s * CLASSES + c) << 1), <u16>oldNext(s, c));
  }
  a.acceptOffsets = StaticArray.fromArray<u32>([0, 0, 0, 1, 2, 4, 5]);
  a.acceptDetectors = StaticArray.fromArray<u32>([0, 1, 0, 1, 0]);
  return a;
}

function oldNext(s: u32, c: u32): u32 {
  return (s * 2 + c + 1) % STATES;
}

/** The detectors state s of automaton() accepts, e.g. "0,1". */
function oldAccepts(a: AutomatonData, s: u32): string {
  const out = new Array<string>();
  for (let k = a.acceptOffsets[s]; k < a.acceptOffsets[s + 1]; k++) out.push(a.acceptDetectors[k].toString());
  return out.join(",");
}

/** The detectors the state at row offset `row` of `t` accepts. */
function newAccepts(t: SearchAutomaton, row: u32): string {
  const state = row / (t.classCount * 4);
  const out = new Array<string>();
  for (let k = t.acceptOffsets[state]; k < t.acceptOffsets[state + 1]; k++) out.push(t.acceptDetectors[k].toString());
  return out.join(",");
}

/** Detector 0 is ordinary, detector 1 requires context. */
const gated = StaticArray.fromArray<bool>([false, true]);

describe("SearchAutomaton (states ordered by what they accept)", () => {
  it("follows the RuleSet automaton on every path, with the same accepts, and tests them by row offset", () => {
    const a = automaton();
    const t = new SearchAutomaton(a, gated);
    // Every class sequence of up to 5 bytes: every state and transition is visited.
    for (let seq = 0; seq < 243; seq++) {
      let old = a.startState;
      let row = t.startRow;
      let rest = seq;
      for (let step = 0; step < 5; step++) {
        const c = <u32>(rest % 3);
        rest /= 3;
        old = oldNext(old, c);
        row = t.rows[<i32>(row / 4 + c)];
        const accepts = oldAccepts(a, old);
        expect(newAccepts(t, row)).toBe(accepts);
        expect(row >= t.gatedFrom).toBe(accepts.length > 0, "accepts anything");
        expect(row >= t.plainFrom).toBe(accepts.indexOf("0") >= 0, "accepts the ordinary detector");
        expect(<u32>((<u64>(row >> 2) * t.stateScale) >> 32)).toBe(row / (CLASSES * 4), "state by stateScale");
      }
    }
  });

  it("puts the thresholds at the end of the table when no state accepts", () => {
    const a = automaton();
    a.acceptOffsets = new StaticArray<u32>(STATES + 1);
    a.acceptDetectors = new StaticArray<u32>(0);
    const t = new SearchAutomaton(a, gated);
    expect(t.gatedFrom).toBe(STATES * CLASSES * 4);
    expect(t.plainFrom).toBe(STATES * CLASSES * 4);
  });
});

describe("stateScaleOf", () => {
  it("recovers the state of any row index without a division, for every class count", () => {
    for (let cc: u32 = 1; cc <= 256; cc++) {
      const scale = stateScaleOf(cc);
      // Tables have fewer than 2^24 entries (decodeRuleSetDetectors), so state * cc < 2^24.
      const last = ((<u32>1 << 24) - 1) / cc;
      const probes: StaticArray<u32> = [0, 1, 2, cc, last >> 1, last - 1, last];
      for (let i = 0; i < probes.length; i++) {
        const state = min(probes[i], last);
        expect(<u32>((<u64>(state * cc) * scale) >> 32)).toBe(state);
      }
    }
  });
});
