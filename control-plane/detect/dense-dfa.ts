// Dense DFA tables over bytes and the operations the compiler needs on them: import from refa,
// product of several DFAs (one SEARCH automaton serving many detectors), minimization that keeps
// which detectors accept where, and the canonical numbering written into rules.proto
// (state 0 = dead, then breadth-first). Pure and deterministic: the same sources always give the
// same bytes, so RuleSet digests are stable.
import type { DFA } from 'refa';
import { encodeSparseRows } from './sparse-rows.ts';

/** A complete DFA over byte classes: `next[s * classCount + classOf[byte]]`; `accept[s]` lists
 * detector indexes, ascending. */
export interface DenseDfa {
  count: number;
  start: number;
  classOf: Uint8Array;
  classCount: number;
  next: Int32Array;
  accept: number[][];
}

/** Thrown by `product` when the combined automaton would exceed the budget. */
export class StateBudgetExceeded extends Error {}

/** Byte classes of a 256-column table: bytes with identical columns share a class. */
function compress(count: number, full: Int32Array): { classOf: Uint8Array; classCount: number; reps: number[] } {
  const classOf = new Uint8Array(256);
  const reps: number[] = [];
  const seen = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const col: number[] = new Array(count);
    for (let s = 0; s < count; s++) col[s] = full[s * 256 + b]!;
    const key = col.join(',');
    let c = seen.get(key);
    if (c === undefined) {
      c = reps.length;
      seen.set(key, c);
      reps.push(b);
    }
    classOf[b] = c;
  }
  return { classOf, classCount: reps.length, reps };
}

/** A refa DFA as a dense table; its final states accept `detector`. Adds a dead state if needed. */
export function fromRefaDfa(dfa: DFA, detector: number): DenseDfa {
  const ids = new Map<DFA.Node, number>();
  const order: DFA.Node[] = [];
  const visit = (node: DFA.Node): number => {
    let id = ids.get(node);
    if (id === undefined) {
      id = order.length;
      ids.set(node, id);
      order.push(node);
    }
    return id;
  };
  visit(dfa.initial);
  const rows: Int32Array[] = [];
  for (let i = 0; i < order.length; i++) {
    const row = new Int32Array(256).fill(-1);
    for (const [range, to] of order[i]!.out) {
      const target = visit(to);
      for (let b = range.min; b <= range.max && b < 256; b++) row[b] = target;
    }
    rows.push(row);
  }
  const dead = rows.some((r) => r.includes(-1)) ? order.length : -1;
  const count = order.length + (dead >= 0 ? 1 : 0);
  const full = new Int32Array(count * 256);
  for (let s = 0; s < order.length; s++) for (let b = 0; b < 256; b++) full[s * 256 + b] = rows[s]![b]! < 0 ? dead : rows[s]![b]!;
  if (dead >= 0) full.fill(dead, dead * 256, dead * 256 + 256);
  const accept = order.map((n) => (dfa.finals.has(n) ? [detector] : []));
  if (dead >= 0) accept.push([]);
  const { classOf, classCount, reps } = compress(count, full);
  const next = new Int32Array(count * classCount);
  for (let s = 0; s < count; s++) for (let c = 0; c < classCount; c++) next[s * classCount + c] = full[s * 256 + reps[c]!]!;
  return { count, start: 0, classOf, classCount, next, accept };
}

/** The product of two DFAs: accepts, in each state, the union of both detector lists. */
export function product(a: DenseDfa, b: DenseDfa, budget: number): DenseDfa {
  // Joint classes: pairs of (class in a, class in b) that occur.
  const pairIndex = new Map<number, number>();
  const classOf = new Uint8Array(256);
  const ca: number[] = [];
  const cb: number[] = [];
  for (let x = 0; x < 256; x++) {
    const key = a.classOf[x]! * 256 + b.classOf[x]!;
    let c = pairIndex.get(key);
    if (c === undefined) {
      c = ca.length;
      pairIndex.set(key, c);
      ca.push(a.classOf[x]!);
      cb.push(b.classOf[x]!);
    }
    classOf[x] = c;
  }
  const classCount = ca.length;
  const index = new Map<number, number>();
  const pa: number[] = [];
  const pb: number[] = [];
  const intern = (qa: number, qb: number): number => {
    const key = qa * b.count + qb;
    let id = index.get(key);
    if (id === undefined) {
      id = pa.length;
      if (id >= budget) throw new StateBudgetExceeded(`more than ${budget} states`);
      index.set(key, id);
      pa.push(qa);
      pb.push(qb);
    }
    return id;
  };
  intern(a.start, b.start);
  const rows: number[] = [];
  for (let s = 0; s < pa.length; s++) {
    const qa = pa[s]!;
    const qb = pb[s]!;
    for (let c = 0; c < classCount; c++) rows.push(intern(a.next[qa * a.classCount + ca[c]!]!, b.next[qb * b.classCount + cb[c]!]!));
  }
  const accept = pa.map((qa, s) => {
    const la = a.accept[qa]!;
    const lb = b.accept[pb[s]!]!;
    return lb.length === 0 ? la : la.length === 0 ? lb : [...la, ...lb].sort((x, y) => x - y);
  });
  return { count: pa.length, start: 0, classOf, classCount, next: Int32Array.from(rows), accept };
}

/** Moore partition refinement, starting from "same accept list". Returns a new minimal DFA. */
export function minimize(d: DenseDfa): DenseDfa {
  const k = d.classCount;
  let block = new Int32Array(d.count);
  const initial = new Map<string, number>();
  for (let s = 0; s < d.count; s++) {
    const key = d.accept[s]!.join(',');
    if (!initial.has(key)) initial.set(key, initial.size);
    block[s] = initial.get(key)!;
  }
  let blocks = initial.size;
  const parts: number[] = new Array(k + 1);
  for (;;) {
    const sig = new Map<string, number>();
    const nextBlock = new Int32Array(d.count);
    for (let s = 0; s < d.count; s++) {
      parts[0] = block[s]!;
      for (let c = 0; c < k; c++) parts[c + 1] = block[d.next[s * k + c]!]!;
      const key = parts.join(',');
      let id = sig.get(key);
      if (id === undefined) {
        id = sig.size;
        sig.set(key, id);
      }
      nextBlock[s] = id;
    }
    block = nextBlock;
    if (sig.size === blocks) break;
    blocks = sig.size;
  }
  const merged = new Int32Array(blocks * k);
  const accept: number[][] = new Array(blocks);
  for (let s = 0; s < d.count; s++) {
    const t = block[s]!;
    accept[t] = d.accept[s]!;
    for (let c = 0; c < k; c++) merged[t * k + c] = block[d.next[s * k + c]!]!;
  }
  // Classes whose columns became identical merge too.
  const colClass = new Int32Array(k);
  const reps: number[] = [];
  const seen = new Map<string, number>();
  for (let c = 0; c < k; c++) {
    const col: number[] = new Array(blocks);
    for (let t = 0; t < blocks; t++) col[t] = merged[t * k + c]!;
    const key = col.join(',');
    let id = seen.get(key);
    if (id === undefined) {
      id = reps.length;
      seen.set(key, id);
      reps.push(c);
    }
    colClass[c] = id;
  }
  const classCount = reps.length;
  const classOf = new Uint8Array(256);
  for (let x = 0; x < 256; x++) classOf[x] = colClass[d.classOf[x]!]!;
  const next = new Int32Array(blocks * classCount);
  for (let t = 0; t < blocks; t++) for (let c = 0; c < classCount; c++) next[t * classCount + c] = merged[t * k + reps[c]!]!;
  return { count: blocks, start: block[d.start]!, classOf, classCount, next, accept };
}

/** True when no accepting state is reachable from `s`. */
function deadStates(d: DenseDfa): boolean[] {
  const live = d.accept.map((a) => a.length > 0);
  for (let changed = true; changed;) {
    changed = false;
    for (let s = 0; s < d.count; s++) {
      if (live[s]) continue;
      for (let c = 0; c < d.classCount; c++) {
        if (live[d.next[s * d.classCount + c]!]) {
          live[s] = true;
          changed = true;
          break;
        }
      }
    }
  }
  return live.map((l) => !l);
}

/** Length of the longest accepted word, or Infinity when the language is infinite. */
export function longestWord(d: DenseDfa): number {
  const dead = deadStates(d);
  const memo = new Map<number, number>();
  const onStack = new Set<number>();
  const walk = (s: number): number => {
    if (dead[s]) return -1;
    const known = memo.get(s);
    if (known !== undefined) return known;
    if (onStack.has(s)) return Infinity;
    onStack.add(s);
    let best = d.accept[s]!.length ? 0 : -1;
    const seen = new Set<number>();
    for (let c = 0; c < d.classCount; c++) {
      const t = d.next[s * d.classCount + c]!;
      if (seen.has(t)) continue;
      seen.add(t);
      const sub = walk(t);
      if (sub >= 0) best = Math.max(best, sub + 1);
    }
    onStack.delete(s);
    memo.set(s, best);
    return best;
  };
  return walk(d.start);
}

/** The table form of rules.proto's Automaton (proto-loader object shape, camelCase). */
export interface AutomatonTable {
  byteClasses: Buffer;
  classCount: number;
  stateCount: number;
  startState: number;
  transitions: Buffer;
  entryBytes: number;
  /** Set instead of `transitions` (then empty, entryBytes 0) in the compact form. */
  sparseTransitions?: Buffer;
  acceptOffsets: number[];
  acceptDetectors: number[];
  kind: 'AUTOMATON_KIND_SEARCH' | 'AUTOMATON_KIND_REVERSE';
}

/** Canonical numbering (0 = dead, then BFS from start over classes ascending) and table layout:
 * dense little-endian entries, or the compact rules.proto `sparse_transitions` when `sparse`. */
export function toAutomaton(d: DenseDfa, kind: AutomatonTable['kind'], sparse = false): AutomatonTable {
  // Byte classes were already merged by minimize(): numbered by first appearance from byte 0.
  const renumber = new Map<number, number>();
  const classOf = new Uint8Array(256);
  const representative: number[] = [];
  for (let b = 0; b < 256; b++) {
    const old = d.classOf[b]!;
    if (!renumber.has(old)) {
      renumber.set(old, representative.length);
      representative.push(old);
    }
    classOf[b] = renumber.get(old)!;
  }
  const classCount = representative.length;
  const dead = deadStates(d);
  // Merge every dead state into one id 0 (minimization leaves at most one, but be total).
  const newId = new Int32Array(d.count).fill(-1);
  const order: number[] = [];
  for (let s = 0; s < d.count; s++) if (dead[s]) newId[s] = 0;
  order.push(-1);
  const queue = [d.start];
  if (!dead[d.start]) {
    newId[d.start] = order.length;
    order.push(d.start);
  }
  while (queue.length) {
    const s = queue.shift()!;
    for (let c = 0; c < classCount; c++) {
      const t = d.next[s * d.classCount + representative[c]!]!;
      if (newId[t] === -1) {
        newId[t] = order.length;
        order.push(t);
        queue.push(t);
      }
    }
  }
  const stateCount = order.length;
  const targets = new Uint32Array(stateCount * classCount);
  const acceptOffsets: number[] = [0];
  const acceptDetectors: number[] = [];
  for (let id = 0; id < stateCount; id++) {
    const s = order[id]!;
    for (let c = 0; c < classCount; c++) targets[id * classCount + c] = s < 0 ? 0 : newId[d.next[s * d.classCount + representative[c]!]!]!;
    if (s >= 0) acceptDetectors.push(...d.accept[s]!);
    acceptOffsets.push(acceptDetectors.length);
  }
  const entryBytes = sparse ? 0 : stateCount <= 65536 ? 2 : 4;
  const transitions = Buffer.alloc(targets.length * entryBytes);
  for (let i = 0; i < targets.length; i++) {
    if (entryBytes === 2) transitions.writeUInt16LE(targets[i]!, i * 2);
    else if (entryBytes === 4) transitions.writeUInt32LE(targets[i]!, i * 4);
  }
  return {
    byteClasses: Buffer.from(classOf),
    classCount,
    stateCount,
    startState: newId[d.start]!,
    transitions,
    entryBytes,
    ...(sparse ? { sparseTransitions: encodeSparseRows(targets, stateCount, classCount) } : {}),
    acceptOffsets,
    acceptDetectors,
    kind,
  };
}
