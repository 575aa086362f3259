// "Test this pattern": compiles one custom detector with the control plane's compiler and runs it
// on a sample with the scanner of the built palisade.wasm — the tables and the scanner gateways
// run, so what matches here matches there. Only masked previews and offsets come back.
import { existsSync } from 'node:fs';
import { compileDetectors, DetectorSourceError, validateDetectorSource, type DetectorSourceInput } from '../detect/index.ts';
import { BUILTIN_SETTINGS } from '../detect/builtin-rule-set.ts';
import { PatternError } from '../detect/regex-to-bytes.ts';
import { DEFAULT_WASM, encodeRuleSet, WasmScanner } from '../../wasm-filter/tools/wasm-scanner.ts';

export interface DetectorMatch {
  type: string;
  start: number;
  end: number;
  /** Masked as the gateway would report it. */
  text: string;
  confidence: number;
  field: string;
  path?: string;
}

export type DetectorTestResult =
  { ok: true; matches: DetectorMatch[]; scanner: 'wasm' } | { ok: false; errors: { path: string; message: string }[] };

export class ScannerUnavailableError extends Error {}

let scanner: WasmScanner | undefined;

/** One scanner per process: instantiating the module costs more than a scan. */
async function wasmScanner(path = DEFAULT_WASM): Promise<WasmScanner> {
  if (scanner) return scanner;
  if (!existsSync(path)) throw new ScannerUnavailableError(`the filter is not built (${path}); run node scripts/build.mjs wasm`);
  scanner = await WasmScanner.load(path);
  return scanner;
}

function looksLikeJson(sample: string): boolean {
  const t = sample.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try {
    JSON.parse(sample);
    return true;
  } catch {
    return false;
  }
}

/** Custom detectors match with word boundaries, like published ones (rules/detection-engine.ts). */
export async function testDetector(source: DetectorSourceInput, sample: string): Promise<DetectorTestResult> {
  const input: DetectorSourceInput = { ...source, boundary: source.boundary ?? 'word' };
  const problems = validateDetectorSource(input);
  if (problems.length) return { ok: false, errors: problems.map((p) => ({ path: p.path, message: p.reason })) };
  let compiled;
  try {
    compiled = compileDetectors([input], { custom: true });
  } catch (err) {
    if (err instanceof DetectorSourceError) return { ok: false, errors: err.errors.map((p) => ({ path: p.path, message: p.reason })) };
    if (err instanceof PatternError) return { ok: false, errors: [{ path: '$.pattern', message: err.message }] };
    throw err;
  }
  const s = await wasmScanner();
  s.loadRules(encodeRuleSet({ version: 1, automata: compiled.automata, detectors: compiled.detectors, settings: BUILTIN_SETTINGS }));
  // The sample is a body: JSON when it parses (field paths and key context apply), text otherwise.
  const result = s.scan({ body: sample, contentType: looksLikeJson(sample) ? 'application/json' : 'text/plain' }, { minConfidence: 1 });
  return {
    ok: true,
    scanner: 'wasm',
    matches: result.findings.map((f) => ({
      type: f.type,
      start: f.start,
      end: f.end,
      text: f.masked,
      confidence: f.confidence,
      field: f.field,
      ...(f.path ? { path: f.path } : {}),
    })),
  };
}
