// The compact form of an automaton's transition table (rules.proto Automaton.sparse_transitions):
// each state's row is either written out, or given as "the row of the state `back` ids earlier,
// except these columns". SEARCH automata are unanchored, so most rows differ from some earlier
// row in a few classes only; the compact form is about a third of the dense 2-byte table, which
// is what keeps the embedded built-in rules (and palisade.wasm) small. Scanners expand it into
// their dense in-memory table when a RuleSet loads, so scanning speed does not change.
//
// Byte stream, per state s = 0 .. state_count-1, all numbers unsigned LEB128 varints:
//   back = 0      then class_count targets: the whole row
//   back = 1 .. s then count, then count pairs (class, target), classes strictly ascending:
//                 row s = row (s - back) with those columns replaced
// The stream must be consumed exactly. Pure: no I/O.

/** How far back the encoder looks for a base row: bounds compile time to O(states * WINDOW * classes). */
const WINDOW = 256;

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function varintLength(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Encodes `next` (stateCount * classCount targets, row-major) in the compact form. */
export function encodeSparseRows(next: ArrayLike<number>, stateCount: number, classCount: number): Buffer {
  const out: number[] = [];
  for (let s = 0; s < stateCount; s++) {
    const row = s * classCount;
    let bestCost = 1;
    for (let c = 0; c < classCount; c++) bestCost += varintLength(next[row + c]!);
    let bestBack = 0;
    for (let back = 1; back <= Math.min(s, WINDOW); back++) {
      const base = row - back * classCount;
      let cost = varintLength(back);
      let count = 0;
      for (let c = 0; c < classCount && cost < bestCost; c++) {
        const t = next[row + c]!;
        if (next[base + c] !== t) {
          count++;
          cost += varintLength(c) + varintLength(t);
        }
      }
      cost += varintLength(count);
      if (cost < bestCost) {
        bestCost = cost;
        bestBack = back;
      }
    }
    varint(out, bestBack);
    if (bestBack === 0) {
      for (let c = 0; c < classCount; c++) varint(out, next[row + c]!);
      continue;
    }
    const base = row - bestBack * classCount;
    const changed: number[] = [];
    for (let c = 0; c < classCount; c++) if (next[base + c] !== next[row + c]) changed.push(c);
    varint(out, changed.length);
    for (const c of changed) {
      varint(out, c);
      varint(out, next[row + c]!);
    }
  }
  return Buffer.from(out);
}

/** Inverse of encodeSparseRows; throws with a reason on a malformed stream. */
export function decodeSparseRows(bytes: Uint8Array, stateCount: number, classCount: number): Uint32Array {
  const next = new Uint32Array(stateCount * classCount);
  let at = 0;
  const read = (): number => {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (at >= bytes.length) throw new Error('sparse transitions: truncated');
      const b = bytes[at++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    throw new Error('sparse transitions: varint too long');
  };
  for (let s = 0; s < stateCount; s++) {
    const row = s * classCount;
    const back = read();
    if (back === 0) {
      for (let c = 0; c < classCount; c++) next[row + c] = read();
      continue;
    }
    if (back > s) throw new Error(`sparse transitions: state ${s} refers ${back} states back`);
    next.copyWithin(row, row - back * classCount, row - back * classCount + classCount);
    const count = read();
    let prev = -1;
    for (let i = 0; i < count; i++) {
      const c = read();
      if (c <= prev || c >= classCount) throw new Error(`sparse transitions: state ${s} has class ${c} out of order`);
      prev = c;
      next[row + c] = read();
    }
  }
  if (at !== bytes.length) throw new Error('sparse transitions: trailing bytes');
  return next;
}
