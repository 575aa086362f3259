// Detector sources → the RuleSet's `automata` and `detectors` (docs/detectors.md §12).
// Per detector: byte NFA (regex-to-bytes) → unanchored DFA for searching and reversed DFA for
// finding starts (refa determinizes and minimizes). The SEARCH automata are products of as many
// detectors as the state budget allows, grouped greedily in detector order.
import { DFA, NFA } from 'refa';
import type { Char, NoParent, Expression } from 'refa';
import { CharSet } from 'refa';
import { Validator } from '../../proto/gen/palisade/v1/Validator.ts';
import { MaskStyle } from '../../proto/gen/palisade/v1/MaskStyle.ts';
import { DataCategory } from '../../proto/gen/palisade/v1/DataCategory.ts';
import { Severity } from '../../proto/gen/palisade/v1/Severity.ts';
import type { Detector } from '../../proto/gen/palisade/v1/Detector.ts';
import { BYTE_MAX, PatternError, patternToByteNfa } from './regex-to-bytes.ts';
import { fromRefaDfa, longestWord, minimize, product, StateBudgetExceeded, toAutomaton } from './dense-dfa.ts';
import type { AutomatonTable, DenseDfa } from './dense-dfa.ts';
import { BOUNDARY_SETS, DEFAULT_CONTEXT_DISTANCE, DEFAULT_MAX_LENGTH } from './detector-source.ts';
import type { BoundaryName, DetectorSourceInput } from './detector-source.ts';

export interface CompileOptions {
  /** Maximum states of one SEARCH automaton (default 4096). */
  stateBudget?: number;
  /** Maximum transitions (states x byte classes) of one SEARCH product (default 8192). */
  entryBudget?: number;
  /** Maximum states of one detector's own DFAs (default 20000); above it the detector is refused. */
  detectorStateLimit?: number;
  /** Mark the compiled detectors as custom (user-defined). */
  custom?: boolean;
  /** Write transition tables in the compact `sparse_transitions` form (rules.proto) instead of
   * dense entries. The embedded built-in set and the control plane's detection engine use it for
   * every set they compile; dense stays the default for tools and tests that read entries directly. */
  sparseTables?: boolean;
}

export interface CompiledDetectors {
  automata: AutomatonTable[];
  detectors: Detector[];
}

/** One reason a detector source is refused, with the JSON path of the offending field. */
export interface SourceError {
  path: string;
  reason: string;
}

/** Thrown by compileDetectors; `index` is the position of the refused source. */
export class DetectorSourceError extends Error {
  constructor(
    readonly index: number,
    readonly errors: SourceError[],
  ) {
    super(errors.map((e) => `detectors[${index}]${e.path.slice(1)}: ${e.reason}`).join('; '));
  }
}

const ID = /^[a-z][a-z0-9_]{1,63}$/;
const MAX_LENGTH_LIMIT = 65536;
const DEFAULT_STATE_BUDGET = 4096;
const DEFAULT_DETECTOR_STATE_LIMIT = 20000;
// Products multiply table sizes; above this many transitions a detector starts a new SEARCH
// automaton. Small tables load fast in Rhino (the Apigee policy prepares them per request).
const DEFAULT_ENTRY_BUDGET = 8192;

function enumCheck(errors: SourceError[], path: string, value: unknown, names: Record<string, string>): void {
  if (value !== undefined && !(typeof value === 'string' && value in names)) {
    errors.push({ path, reason: `unknown value ${JSON.stringify(value)}` });
  }
}

function checkPercent(errors: SourceError[], path: string, value: unknown): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100)) {
    errors.push({ path, reason: 'must be an integer from 0 to 100' });
  }
}

function checkWords(errors: SourceError[], path: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length > 64) {
    errors.push({ path, reason: 'must be a list of at most 64 strings' });
    return;
  }
  value.forEach((w, i) => {
    if (typeof w !== 'string' || w.length === 0 || w.length > 64 || !/^[\x20-\x7e]+$/.test(w)) {
      errors.push({ path: `${path}[${i}]`, reason: 'must be 1-64 printable ASCII characters' });
    }
  });
}

interface Prepared {
  search: DenseDfa;
  reverse: DenseDfa;
  maxLength: number;
  wordBoundary: boolean;
}

// Determinizing a pattern takes up to a second; the control plane recompiles the built-in set with
// every publish, so results are kept per (source, options) for the life of the process.
const prepareCache = new Map<string, { prepared?: Prepared; errors: SourceError[] }>();
const PREPARE_CACHE_LIMIT = 512;

/** Structural checks and pattern compilation of one source; errors are collected, not thrown. */
function prepare(source: DetectorSourceInput, options: CompileOptions, errors: SourceError[], index: number): Prepared | undefined {
  let key: string | undefined;
  try {
    key = JSON.stringify([source, options.stateBudget, options.detectorStateLimit, index]);
  } catch {
    key = undefined;
  }
  const cached = key === undefined ? undefined : prepareCache.get(key);
  if (cached) {
    errors.push(...cached.errors);
    return cached.prepared;
  }
  const own: SourceError[] = [];
  const prepared = prepareUncached(source, options, own, index);
  errors.push(...own);
  if (key !== undefined) {
    if (prepareCache.size >= PREPARE_CACHE_LIMIT) prepareCache.clear();
    prepareCache.set(key, { prepared, errors: own });
  }
  return prepared;
}

function prepareUncached(source: DetectorSourceInput, options: CompileOptions, errors: SourceError[], index: number): Prepared | undefined {
  const s = source as unknown as Record<string, unknown>;
  if (typeof s !== 'object' || s === null) {
    errors.push({ path: '$', reason: 'must be an object' });
    return undefined;
  }
  if (typeof s.id !== 'string' || !ID.test(s.id)) errors.push({ path: '$.id', reason: 'must match [a-z][a-z0-9_]{1,63}' });
  if (s.name !== undefined && (typeof s.name !== 'string' || s.name.length > 128))
    errors.push({ path: '$.name', reason: 'must be a string of at most 128 characters' });
  enumCheck(errors, '$.validator', s.validator, Validator);
  enumCheck(errors, '$.mask', s.mask, MaskStyle);
  enumCheck(errors, '$.category', s.category, DataCategory);
  enumCheck(errors, '$.severity', s.severity, Severity);
  checkPercent(errors, '$.baseConfidence', s.baseConfidence);
  checkPercent(errors, '$.minConfidence', s.minConfidence);
  if (
    s.maxLength !== undefined &&
    !(Number.isInteger(s.maxLength) && (s.maxLength as number) >= 1 && (s.maxLength as number) <= MAX_LENGTH_LIMIT)
  ) {
    errors.push({ path: '$.maxLength', reason: `must be an integer from 1 to ${MAX_LENGTH_LIMIT}` });
  }
  if (s.boundary !== undefined && !(typeof s.boundary === 'string' && s.boundary in BOUNDARY_SETS)) {
    errors.push({ path: '$.boundary', reason: `must be one of ${Object.keys(BOUNDARY_SETS).join(', ')}` });
  }
  if (s.boundaryExtra !== undefined && !(typeof s.boundaryExtra === 'string' && /^[\x21-\x7e]*$/.test(s.boundaryExtra))) {
    errors.push({ path: '$.boundaryExtra', reason: 'must be printable ASCII characters' });
  }
  const c = s.context as Record<string, unknown> | null | undefined;
  if (c !== undefined && c !== null) {
    if (typeof c !== 'object') errors.push({ path: '$.context', reason: 'must be an object' });
    else {
      checkWords(errors, '$.context.keys', c.keys);
      checkWords(errors, '$.context.positiveKeywords', c.positiveKeywords);
      checkWords(errors, '$.context.negativeKeywords', c.negativeKeywords);
      checkPercent(errors, '$.context.boost', c.boost);
      checkPercent(errors, '$.context.penalty', c.penalty);
      if (c.distance !== undefined && !(Number.isInteger(c.distance) && (c.distance as number) >= 0 && (c.distance as number) <= 256)) {
        errors.push({ path: '$.context.distance', reason: 'must be an integer from 0 to 256' });
      }
    }
  }
  if (typeof s.pattern !== 'string') {
    errors.push({ path: '$.pattern', reason: 'must be a string' });
    return undefined;
  }
  if (s.flags !== undefined && typeof s.flags !== 'string') {
    errors.push({ path: '$.flags', reason: 'must be a string' });
    return undefined;
  }
  const limit = options.detectorStateLimit ?? DEFAULT_DETECTOR_STATE_LIMIT;
  try {
    const { nfa, wordBoundary } = patternToByteNfa(s.pattern, (s.flags as string | undefined) ?? '');
    const factory = new DFA.LimitedNodeFactory(limit);
    const anchored = DFA.fromFA(nfa, factory);
    anchored.minimize();
    const longest = longestWord(fromRefaDfa(anchored, index));
    let maxLength = (s.maxLength as number | undefined) ?? (longest === Infinity ? DEFAULT_MAX_LENGTH : longest);
    if (longest !== Infinity) maxLength = Math.min(maxLength, longest);
    // A built-in may search with a looser pattern (a superset whose unanchored DFA stays small);
    // the exact REVERSE automaton then decides, so the findings are those of the exact pattern.
    const unanchored =
      s.searchPattern === undefined ? nfa.copy() : patternToByteNfa(s.searchPattern as string, (s.flags as string | undefined) ?? '').nfa;
    unanchored.prepend(anyStar());
    const searchDfa = DFA.fromFA(unanchored, new DFA.LimitedNodeFactory(limit));
    searchDfa.minimize();
    const reversed = nfa.copy();
    reversed.reverse();
    const reverseDfa = DFA.fromFA(reversed, new DFA.LimitedNodeFactory(limit));
    reverseDfa.minimize();
    const search = minimize(fromRefaDfa(searchDfa, index));
    if (search.count > (options.stateBudget ?? DEFAULT_STATE_BUDGET)) {
      throw new PatternError(
        `state explosion: the search automaton needs ${search.count} states (budget ${options.stateBudget ?? DEFAULT_STATE_BUDGET})`,
      );
    }
    return { search, reverse: minimize(fromRefaDfa(reverseDfa, index)), maxLength, wordBoundary };
  } catch (err) {
    if (err instanceof PatternError) errors.push({ path: '$.pattern', reason: err.reason });
    else if (err instanceof Error && /too many nodes|TooManyNodes|not allowed to create more than/i.test(`${err.name} ${err.message}`)) {
      errors.push({ path: '$.pattern', reason: `state explosion: the DFA needs more than ${limit} states` });
    } else errors.push({ path: '$.pattern', reason: `cannot compile: ${(err as Error).message}` });
    return undefined;
  }
}

let anyStarNfa: NFA | undefined;
function anyStar(): NFA {
  if (!anyStarNfa) {
    const expr: NoParent<Expression> = {
      type: 'Expression',
      alternatives: [
        {
          type: 'Concatenation',
          elements: [
            {
              type: 'Quantifier',
              min: 0,
              max: Infinity,
              lazy: false,
              alternatives: [{ type: 'Concatenation', elements: [{ type: 'CharacterClass', characters: CharSet.all(BYTE_MAX) }] }],
            },
          ],
        },
      ],
    };
    anyStarNfa = NFA.fromRegex(expr, { maxCharacter: BYTE_MAX as Char });
  }
  return anyStarNfa;
}

/** Reasons `source` would be refused (empty when it compiles). */
export function validateDetectorSource(source: DetectorSourceInput, options: CompileOptions = {}): SourceError[] {
  const errors: SourceError[] = [];
  prepare(source, options, errors, 0);
  return errors;
}

function boundaryBitmap(name: BoundaryName, extra: string): Buffer {
  const chars = BOUNDARY_SETS[name] + extra;
  if (chars.length === 0) return Buffer.alloc(0);
  const bitmap = Buffer.alloc(32);
  for (const ch of chars) {
    const b = ch.charCodeAt(0);
    bitmap[b >> 3]! |= 1 << (b & 7);
  }
  return bitmap;
}

function lowerWords(words: string[] | undefined): string[] {
  return (words ?? []).map((w) => w.toLowerCase());
}

/**
 * Compiles detector sources, in order, into automata and detectors (proto-loader object shapes,
 * camelCase, enums by name, bytes as Buffer). Detector `i` of the result is source `i`.
 * Throws DetectorSourceError for the first refused source.
 */
export function compileDetectors(sources: readonly DetectorSourceInput[], options: CompileOptions = {}): CompiledDetectors {
  const budget = options.stateBudget ?? DEFAULT_STATE_BUDGET;
  const entryBudget = options.entryBudget ?? DEFAULT_ENTRY_BUDGET;
  const prepared: Prepared[] = [];
  sources.forEach((source, index) => {
    const errors: SourceError[] = [];
    const p = prepare(source, options, errors, index);
    if (errors.length || !p) throw new DetectorSourceError(index, errors);
    prepared.push(p);
  });

  // Greedy first-fit grouping: a detector joins the first SEARCH product that stays within both
  // budgets, else starts a new one. Deterministic: detector order, then group order.
  const groups: { dfa: DenseDfa; members: number[] }[] = [];
  prepared.forEach((p, index) => {
    for (const group of groups) {
      try {
        // Unminimized products rarely shrink by more than 2x: stop exploring well before that.
        const classes = Math.max(group.dfa.classCount, p.search.classCount);
        const cap = Math.min(budget, Math.ceil(entryBudget / classes)) * 2;
        const combined = minimize(product(group.dfa, p.search, cap));
        if (combined.count <= budget && combined.count * combined.classCount <= entryBudget) {
          group.dfa = combined;
          group.members.push(index);
          return;
        }
      } catch (err) {
        if (!(err instanceof StateBudgetExceeded)) throw err;
      }
    }
    groups.push({ dfa: p.search, members: [index] });
  });

  const automata: AutomatonTable[] = groups.map((g) => toAutomaton(g.dfa, 'AUTOMATON_KIND_SEARCH', options.sparseTables));
  const searchOf = new Map<number, number>();
  groups.forEach((g, gi) => g.members.forEach((m) => searchOf.set(m, gi)));

  const detectors: Detector[] = sources.map((source, index) => {
    const p = prepared[index]!;
    const reverseIndex = automata.length;
    automata.push(toAutomaton(p.reverse, 'AUTOMATON_KIND_REVERSE', options.sparseTables));
    const boundaryName: BoundaryName = source.boundary ?? (p.wordBoundary ? 'word' : options.custom ? 'word' : 'none');
    const c = source.context ?? {};
    return {
      id: source.id,
      name: source.name ?? source.id,
      category: source.category ?? 'DATA_CATEGORY_PII',
      severity: source.severity ?? 'SEVERITY_MEDIUM',
      validator: source.validator ?? 'VALIDATOR_NONE',
      searchAutomaton: searchOf.get(index)!,
      reverseAutomaton: reverseIndex,
      context: {
        keys: lowerWords(c.keys),
        positiveKeywords: lowerWords(c.positiveKeywords),
        negativeKeywords: lowerWords(c.negativeKeywords),
        distance: c.distance ?? DEFAULT_CONTEXT_DISTANCE,
        boost: c.boost ?? 0,
        penalty: c.penalty ?? 0,
        requireContext: c.requireContext ?? false,
      },
      baseConfidence: source.baseConfidence ?? 80,
      minConfidence: source.minConfidence ?? 50,
      mask: source.mask ?? 'MASK_STYLE_ALL',
      maxLength: p.maxLength,
      boundary: boundaryBitmap(boundaryName, source.boundaryExtra ?? ''),
      decode: true,
      custom: options.custom ?? false,
    };
  });
  return { automata, detectors };
}
