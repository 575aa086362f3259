// `palisade scan`: reads JSON Lines of HTTP messages and writes, per message, the findings of the
// wasm scanner (the palisade.wasm the gateway runs, through its scan exports):
//   in:  {"id", "kind", "method", "path", "status"?, "headers": {name: value}, "query", "body", "contentType"?}
//   out: {"id", "findings": [{"type", "field", "start", "end", "confidence", "path"?}]}
// Offsets are UTF-8 byte offsets into the field as on the wire. A line that is not a JSON object
// gives {"id": null, "line": N, "error": "..."} and the exit status 1; the other lines still scan.
// Usage: tsx wasm-filter/tools/scan-cli.ts [FILE|-] [--rules FILE] [--wasm FILE]
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { DetectorSourceError } from '../../control-plane/detect/compile-detectors.ts';
import { builtinRuleSetObject, encodeRuleSetObject, readDetectorSources, withCustomDetectors } from './scan-rules.ts';
import type { ScanMessage } from './wasm-scanner.ts';
import { DEFAULT_WASM, WasmScanner } from './wasm-scanner.ts';

export const SCAN_USAGE = 'usage: palisade scan [FILE|-] [--rules FILE] [--wasm FILE]';

interface CliArgs {
  input?: string;
  rules?: string;
  wasm: string;
}

function parseArgs(argv: string[]): CliArgs | string {
  const args: CliArgs = { wasm: DEFAULT_WASM };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rules' || a === '--wasm') {
      const v = argv[++i];
      if (v === undefined) return `${a} needs a file`;
      if (a === '--rules') args.rules = v;
      else args.wasm = v;
    } else if (a === '-h' || a === '--help') return SCAN_USAGE;
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else if (args.input === undefined) args.input = a;
    else return `unexpected argument ${a}`;
  }
  return args;
}

function isMessage(v: unknown): v is ScanMessage & Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the fields the scanner reads; returns the reason a message is refused, or undefined. */
function messageProblem(m: ScanMessage & Record<string, unknown>): string | undefined {
  if (m.headers !== undefined && (typeof m.headers !== 'object' || m.headers === null || Array.isArray(m.headers))) {
    return '"headers" must be an object of name: value';
  }
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    const ok = typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok) return `header ${JSON.stringify(name)} must be a string`;
  }
  for (const key of ['query', 'body', 'contentType'] as const) {
    if (m[key] !== undefined && m[key] !== null && typeof m[key] !== 'string') return `"${key}" must be a string`;
  }
  return undefined;
}

/** Runs `palisade scan`; resolves to the exit status (0 ok, 1 some lines refused, 2 usage or setup error). */
export async function runScanCli(argv: string[], stdin: Readable, stdout: Writable, stderr: Writable = process.stderr): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    stderr.write(`${args}\n${args === SCAN_USAGE ? '' : SCAN_USAGE + '\n'}`);
    return args === SCAN_USAGE ? 0 : 2;
  }
  if (!existsSync(args.wasm)) {
    stderr.write(`palisade scan: ${args.wasm} not found; run \`npm run build\` first\n`);
    return 2;
  }
  let scanner: WasmScanner;
  try {
    let ruleSet = builtinRuleSetObject();
    if (args.rules) ruleSet = withCustomDetectors(ruleSet, readDetectorSources(args.rules));
    scanner = await WasmScanner.load(args.wasm);
    scanner.loadRules(encodeRuleSetObject(ruleSet));
  } catch (err) {
    const reason = err instanceof DetectorSourceError ? `custom detectors refused: ${err.message}` : (err as Error).message;
    stderr.write(`palisade scan: ${reason}\n`);
    return 2;
  }
  const input = args.input && args.input !== '-' ? createReadStream(args.input) : stdin;
  let status = 0;
  let lineNo = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = undefined;
    }
    const problem = isMessage(message) ? messageProblem(message) : 'not a JSON object';
    if (problem !== undefined || !isMessage(message)) {
      stdout.write(`${JSON.stringify({ id: isMessage(message) ? (message.id ?? null) : null, line: lineNo, error: problem })}\n`);
      status = 1;
      continue;
    }
    const result = scanner.scan(message);
    const findings = result.findings.map((f) => ({
      type: f.type,
      field: f.field,
      start: f.start,
      end: f.end,
      confidence: f.confidence,
      ...(f.path !== undefined ? { path: f.path } : {}),
    }));
    stdout.write(`${JSON.stringify({ id: message.id ?? null, findings })}\n`);
  }
  return status;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runScanCli(process.argv.slice(2), process.stdin, process.stdout).then((code) => {
    process.exitCode = code;
  });
}
