// JavaScript regex source → refa NFA over bytes. Scanners run DFAs over the UTF-8 bytes of a
// message, so every character set of the parsed pattern is lowered to the UTF-8 byte sequences of
// its code points (the classic range-splitting construction). Everything a DFA cannot express is
// refused here with a reason a user can act on (docs/detectors.md §11).
import { CharSet, JS, NFA } from 'refa';
import type { Char, CharRange, Concatenation, Element, Expression, NoParent } from 'refa';

type AnyNode = { type: string; [key: string]: unknown };

export const BYTE_MAX = 0xff as Char;

/** A pattern refused by the compiler; `reason` is stable text shown to users. */
export class PatternError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ParsedPattern {
  /** NFA over bytes (maxCharacter 255), anchored at both ends. */
  nfa: NFA;
  /** A leading/trailing `\b` was stripped: the caller applies a word boundary instead. */
  wordBoundary: boolean;
}

const ALLOWED_FLAGS = /^[isu]*$/;

/** Parses `pattern` (JS syntax, flags from `i`, `s`, `u`) into a byte-level NFA. */
export function patternToByteNfa(pattern: string, flags = ''): ParsedPattern {
  if (!ALLOWED_FLAGS.test(flags)) throw new PatternError(`unsupported flags "${flags}": only i, s and u are allowed`);
  if (pattern.length === 0) throw new PatternError('empty pattern');
  if (pattern.length > 4096) throw new PatternError('pattern longer than 4096 characters');
  let source = pattern;
  let wordBoundary = false;
  if (source.startsWith('\\b')) {
    source = source.slice(2);
    wordBoundary = true;
  }
  if (/(^|[^\\])(\\\\)*\\b$/.test(source)) {
    source = source.slice(0, -2);
    wordBoundary = true;
  }
  let parser: JS.Parser;
  try {
    parser = JS.Parser.fromLiteral({ source, flags });
  } catch (err) {
    throw new PatternError(`syntax error: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  rejectUnsupported(parser.ast.pattern as unknown as AnyNode);
  let expression: Expression;
  try {
    expression = parser.parse({ backreferences: 'throw', assertions: 'throw', maxNodes: 20000 }).expression;
  } catch (err) {
    throw new PatternError(`cannot compile to a DFA: ${(err as Error).message}`);
  }
  const bytes = lowerExpression(expression, parser.maxCharacter);
  let nfa: NFA;
  try {
    nfa = NFA.fromRegex(bytes, { maxCharacter: BYTE_MAX }, { assertions: 'throw', unknowns: 'throw' });
  } catch (err) {
    throw new PatternError(`cannot compile to a DFA: ${(err as Error).message}`);
  }
  if (nfa.isEmpty) throw new PatternError('the pattern matches nothing');
  if (nfa.test([])) throw new PatternError('the pattern matches the empty string');
  return { nfa, wordBoundary };
}

// Walks regexpp's AST (the literal syntax) so the reasons name what the user wrote.
function rejectUnsupported(node: AnyNode): void {
  switch (node.type) {
    case 'Backreference':
      throw new PatternError(`back-reference ${String(node.raw)} is not supported (not a regular language)`);
    case 'Assertion': {
      const kind = String(node.kind);
      if (kind === 'lookahead' || kind === 'lookbehind') throw new PatternError(`look-around ${String(node.raw)} is not supported`);
      if (kind === 'word') throw new PatternError(`${String(node.raw)} is only supported at the very start or end of the pattern`);
      throw new PatternError(`anchor ${String(node.raw)} is not supported: values are searched anywhere in a field`);
    }
    case 'Quantifier': {
      // `(a+)+`, `(?:x|y*)*`: an unbounded repetition of something that is itself only an
      // unbounded repetition. Harmless for a DFA, but it is the shape that hangs backtracking
      // engines (and the RegExp baseline), so it is refused with that reason.
      if (node.max === Infinity && soleUnboundedInside(node.element as AnyNode)) {
        throw new PatternError(`nested unbounded quantifier ${String(node.raw)}: a catastrophic backtracking shape`);
      }
      rejectUnsupported(node.element as AnyNode);
      return;
    }
    default:
      break;
  }
  for (const key of ['alternatives', 'elements']) {
    const children = node[key];
    if (Array.isArray(children)) for (const child of children) rejectUnsupported(child as AnyNode);
  }
}

function soleUnboundedInside(node: AnyNode): boolean {
  if (node.type === 'Quantifier') return node.max === Infinity;
  if (node.type !== 'Group' && node.type !== 'CapturingGroup') return false;
  const alternatives = node.alternatives as Array<{ elements: AnyNode[] }>;
  return alternatives.some((a) => a.elements.length === 1 && soleUnboundedInside(a.elements[0]!));
}

// ---- UTF-8 lowering -----------------------------------------------------------------------------

const SURROGATES: CharRange = { min: 0xd800 as Char, max: 0xdfff as Char };

/** Code point ranges of a parsed char set; in non-unicode mode a set holding every surrogate code
 * unit also stands for the supplementary planes (which arrive as surrogate pairs in UTF-16). */
function codePointRanges(set: CharSet, maxCharacter: number): CharRange[] {
  const out: CharRange[] = [];
  for (const r of set.ranges) {
    if (r.max < SURROGATES.min || r.min > SURROGATES.max) out.push(r);
    else {
      if (r.min < SURROGATES.min) out.push({ min: r.min, max: (SURROGATES.min - 1) as Char });
      if (r.max > SURROGATES.max) out.push({ min: (SURROGATES.max + 1) as Char, max: r.max });
    }
  }
  if (maxCharacter === 0xffff && set.isSupersetOf(SURROGATES)) out.push({ min: 0x10000 as Char, max: 0x10ffff as Char });
  return out;
}

function utf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

const LENGTH_LIMITS = [0x7f, 0x7ff, 0xffff, 0x10ffff];

/** Splits [lo, hi] into ranges whose UTF-8 encodings are byte-wise rectangular. */
function utf8Sequences(lo: number, hi: number, out: Array<Array<[number, number]>>): void {
  for (let i = 0; i < LENGTH_LIMITS.length; i++) {
    const top = LENGTH_LIMITS[i]!;
    const bottom = i === 0 ? 0 : LENGTH_LIMITS[i - 1]! + 1;
    if (lo <= top && hi >= bottom && (lo < bottom || hi > top)) {
      utf8Sequences(Math.max(lo, bottom), Math.min(hi, top), out);
      return;
    }
  }
  const len = utf8(lo).length;
  for (let i = 1; i < len; i++) {
    const mask = (1 << (6 * i)) - 1;
    if ((lo & ~mask) !== (hi & ~mask)) {
      if ((lo & mask) !== 0) {
        utf8Sequences(lo, lo | mask, out);
        utf8Sequences((lo | mask) + 1, hi, out);
        return;
      }
      if ((hi & mask) !== mask) {
        utf8Sequences(lo, (hi & ~mask) - 1, out);
        utf8Sequences(hi & ~mask, hi, out);
        return;
      }
    }
  }
  const a = utf8(lo);
  const b = utf8(hi);
  out.push(a.map((x, k) => [x, b[k]!]));
}

function byteClass(min: number, max: number): NoParent<Element> {
  return { type: 'CharacterClass', characters: CharSet.fromRange(BYTE_MAX, { min: min as Char, max: max as Char }) };
}

function lowerCharSet(set: CharSet, maxCharacter: number): NoParent<Element> {
  const sequences: Array<Array<[number, number]>> = [];
  const single: CharRange[] = [];
  for (const r of codePointRanges(set, maxCharacter)) {
    if (r.max < 0x80) single.push(r);
    else if (r.min < 0x80) {
      single.push({ min: r.min, max: 0x7f as Char });
      utf8Sequences(0x80, r.max, sequences);
    } else utf8Sequences(r.min, r.max, sequences);
  }
  const alternatives: NoParent<Concatenation>[] = [];
  if (single.length) {
    alternatives.push({
      type: 'Concatenation',
      elements: [{ type: 'CharacterClass', characters: CharSet.empty(BYTE_MAX).union(single) }],
    });
  }
  for (const seq of sequences) {
    alternatives.push({ type: 'Concatenation', elements: seq.map(([a, b]) => byteClass(a, b)) });
  }
  if (alternatives.length === 1 && alternatives[0]!.elements.length === 1) return alternatives[0]!.elements[0]!;
  return { type: 'Alternation', alternatives };
}

function lowerConcatenation(c: NoParent<Concatenation>, maxCharacter: number): NoParent<Concatenation> {
  return { type: 'Concatenation', elements: c.elements.map((e) => lowerElement(e, maxCharacter)) };
}

function lowerElement(e: NoParent<Element>, maxCharacter: number): NoParent<Element> {
  switch (e.type) {
    case 'CharacterClass':
      return lowerCharSet(e.characters, maxCharacter);
    case 'Alternation':
      return { type: 'Alternation', alternatives: e.alternatives.map((a) => lowerConcatenation(a, maxCharacter)) };
    case 'Quantifier':
      return {
        type: 'Quantifier',
        min: e.min,
        max: e.max,
        lazy: false,
        alternatives: e.alternatives.map((a) => lowerConcatenation(a, maxCharacter)),
      };
    default:
      throw new PatternError(`cannot compile to a DFA: unsupported element ${e.type}`);
  }
}

function lowerExpression(expression: NoParent<Expression>, maxCharacter: number): NoParent<Expression> {
  return { type: 'Expression', alternatives: expression.alternatives.map((a) => lowerConcatenation(a, maxCharacter)) };
}
