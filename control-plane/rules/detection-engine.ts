// The detection engine as the rules compiler uses it (the DetectionEngine seam of
// compile-rule-set.ts): built-in detectors (control-plane/detect/) plus the custom detectors of a
// source. Compiling the built-ins takes seconds, so they are compiled once per process — or read
// from the build's artefact when it was produced from the current detect/ sources — and a
// publish only compiles its custom detectors, appended with re-based indexes.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_DETECTORS, BUILTIN_IDS, compileDetectors, DetectorSourceError, validateDetectorSource } from '../detect/index.ts';
import type { DetectorSourceInput } from '../detect/index.ts';
import type { DetectorSource } from '../../proto/gen/palisade/v1/DetectorSource.ts';
import type { Automaton } from '../../proto/gen/palisade/v1/Automaton.ts';
import type { Detector } from '../../proto/gen/palisade/v1/Detector.ts';
import { DetectorCompileError, type DetectionEngine } from './compile-rule-set.ts';
import { messageType } from './proto-json.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTEFACT_JSON = join(ROOT, 'apigee-sharedflow', 'build', 'builtin-rules.json');
const ARTEFACT_STAMPED = join(ROOT, 'wasm-filter', 'assembly', 'generated', 'builtin-rules.ts');

// Every gateway reads the compact sparse_transitions form (the filter's rules-detectors codec, the
// Apigee policy's detect/tables.js; both already load the built-in set in it), so every compiled
// set uses it: a publish that changes the detectors moves ~78 KB per stream, not ~200 KB dense.
const COMPACT = { sparseTables: true } as const;

interface Compiled {
  automata: Automaton[];
  detectors: Detector[];
}

const unset = <T extends string>(v: T | undefined | null, zero: string): T | undefined => (v && v !== zero ? v : undefined);

/** admin.proto DetectorSource → the detection engine's input (custom detectors: word boundary). */
export function toDetectorInput(d: DetectorSource): DetectorSourceInput {
  const c = d.context;
  return {
    id: d.id ?? '',
    name: d.name || undefined,
    pattern: d.pattern ?? '',
    flags: d.flags || undefined,
    validator: unset(d.validator as string, 'VALIDATOR_UNSPECIFIED') as DetectorSourceInput['validator'],
    category: unset(d.category as string, 'DATA_CATEGORY_UNSPECIFIED') as DetectorSourceInput['category'],
    severity: unset(d.severity as string, 'SEVERITY_UNSPECIFIED') as DetectorSourceInput['severity'],
    mask: unset(d.mask as string, 'MASK_STYLE_UNSPECIFIED') as DetectorSourceInput['mask'],
    baseConfidence: d.baseConfidence || undefined,
    minConfidence: d.minConfidence || undefined,
    context: c
      ? {
          keys: c.keys ?? [],
          positiveKeywords: c.positiveKeywords ?? [],
          negativeKeywords: c.negativeKeywords ?? [],
          distance: c.distance || undefined,
          boost: c.boost || undefined,
          penalty: c.penalty || undefined,
        }
      : undefined,
    boundary: 'word',
  };
}

/** Same stamp as control-plane/detect/write-builtin-rules.ts: detect/ sources + rules.proto. */
function sourcesStamp(): string {
  const dir = join(ROOT, 'control-plane', 'detect');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
    .sort()) {
    hash.update(f).update(readFileSync(join(dir, f)));
  }
  hash.update(readFileSync(join(ROOT, 'proto', 'palisade', 'v1', 'rules.proto')));
  return hash.digest('hex').slice(0, 16);
}

function fromArtefact(): Compiled | null {
  try {
    if (!existsSync(ARTEFACT_JSON) || !existsSync(ARTEFACT_STAMPED)) return null;
    if (!readFileSync(ARTEFACT_STAMPED, 'utf8').includes(`// sources ${sourcesStamp()}`)) return null;
    const type = messageType('RuleSet');
    const rs = type.toObject(type.fromObject(JSON.parse(readFileSync(ARTEFACT_JSON, 'utf8'))), {
      longs: String,
      enums: String,
      bytes: Buffer,
      defaults: true,
    }) as Compiled;
    return { automata: rs.automata, detectors: rs.detectors };
  } catch {
    return null;
  }
}

/** Appends `extra` after `base`, shifting automaton and detector indexes. */
export function appendCompiled(base: Compiled, extra: Compiled): Compiled {
  const a0 = base.automata.length;
  const d0 = base.detectors.length;
  return {
    automata: [...base.automata, ...extra.automata.map((a) => ({ ...a, acceptDetectors: (a.acceptDetectors ?? []).map((d) => d + d0) }))],
    detectors: [
      ...base.detectors,
      ...extra.detectors.map((d) => ({
        ...d,
        searchAutomaton: Number(d.searchAutomaton) + a0,
        reverseAutomaton: Number(d.reverseAutomaton) + a0,
      })),
    ],
  };
}

export function createDetectionEngine(): DetectionEngine {
  const builtins = new Map<string, Compiled>();
  const builtinsWithout = (disabled: string[]): Compiled => {
    const key = [...new Set(disabled)].sort().join(',');
    let c = builtins.get(key);
    if (!c) {
      c =
        (key === '' ? fromArtefact() : null) ??
        (compileDetectors(
          BUILTIN_DETECTORS.filter((d) => !disabled.includes(d.id)),
          COMPACT,
        ) as Compiled);
      if (builtins.size > 8) builtins.clear();
      builtins.set(key, c);
    }
    return c;
  };
  return {
    builtInIds: BUILTIN_IDS,
    validateDetector(d) {
      return validateDetectorSource(toDetectorInput(d), { custom: true }).map((e) => ({ path: e.path, message: e.reason }));
    },
    compile(custom, disabled) {
      const base = builtinsWithout(disabled);
      if (custom.length === 0) return base;
      try {
        return appendCompiled(base, compileDetectors(custom.map(toDetectorInput), { ...COMPACT, custom: true }) as Compiled);
      } catch (e) {
        if (e instanceof DetectorSourceError)
          throw new DetectorCompileError(e.index, e.errors.map((x) => `${x.path.slice(2)}: ${x.reason}`).join('; '));
        throw e;
      }
    },
  };
}
