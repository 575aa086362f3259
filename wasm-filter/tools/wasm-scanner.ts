// Runs the detection scanner of the built palisade.wasm from Node through its scan exports
// (wasm-filter/assembly/scan-exports.ts): the same module Envoy loads, not a re-implementation.
// Used by `palisade scan`, the shared detection vectors, the benchmarks and eval-detect.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { PROTO_FILES, PROTO_ROOT } from '../../proto/load.ts';

export const DEFAULT_WASM = fileURLToPath(new URL('../build/palisade.wasm', import.meta.url));

/** One HTTP message as `palisade scan` reads it (issue 6, "CLI"). */
export interface ScanMessage {
  id?: unknown;
  kind?: 'request' | 'response';
  headers?: Record<string, string | string[]>;
  query?: string;
  body?: string;
  contentType?: string;
}

export interface WasmFinding {
  type: string;
  field: string;
  start: number;
  end: number;
  confidence: number;
  path?: string;
  masked: string;
  severity: number;
  category: number;
  valueHash: string;
}

export interface WasmScanResult {
  truncated: boolean;
  findings: WasmFinding[];
}

/** Limits for one message; 0 = the RuleSet's Settings (then the documented default). */
export interface ScanOptions {
  maxBodyBytes?: number;
  minConfidence?: number;
  maxFindings?: number;
}

interface ScanExports {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  palisade_scan_alloc(n: number): number;
  palisade_scan_free(p: number): void;
  palisade_scan_rules(p: number, n: number): number;
  palisade_scan_hash_key(k0: bigint, k1: bigint): void;
  palisade_scan_begin(maxBodyBytes: number, minConfidence: number, maxFindings: number): void;
  palisade_scan_header(nameP: number, nameN: number, valueP: number, valueN: number): void;
  palisade_scan_query(p: number, n: number): void;
  palisade_scan_body(ctP: number, ctN: number, p: number, n: number): void;
  palisade_scan_end(): number;
  palisade_scan_result(): number;
  palisade_scan_result_length(): number;
  palisade_scan_value_hash(location: number, pathP: number, pathN: number, valueP: number, valueN: number): bigint;
}

export class RulesRefusedError extends Error {}

let rulesRoot: protobuf.Root | undefined;

/** The palisade.v1.RuleSet type of protobufjs, loaded from proto/. */
export function ruleSetType(): protobuf.Type {
  if (!rulesRoot) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
    rulesRoot = root.loadSync(PROTO_FILES, { keepCase: false });
  }
  return rulesRoot.lookupType('palisade.v1.RuleSet');
}

/** Serializes a RuleSet given in proto-loader object shape (camelCase, enums by name, bytes as Buffer). */
export function encodeRuleSet(ruleSet: object): Uint8Array {
  const type = ruleSetType();
  const message = type.fromObject(ruleSet);
  return type.encode(message).finish();
}

/**
 * Every import of the module as an inert stub: the scan exports call none of them (the filter's
 * callbacks do, and they are never invoked here). proxy_log reaches stderr so a trap's message
 * (palisadeAbort) is not lost.
 */
function stubImports(module: WebAssembly.Module, memoryRef: { memory?: WebAssembly.Memory }): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') throw new Error(`wasm-scanner: unsupported ${imp.kind} import ${imp.module}.${imp.name}`);
    const mod = (imports[imp.module] ??= {});
    if (imp.module === 'env' && imp.name === 'proxy_log') {
      mod[imp.name] = (_level: number, ptr: number, len: number) => {
        const mem = memoryRef.memory;
        if (mem) process.stderr.write(`palisade.wasm: ${Buffer.from(mem.buffer, ptr, len).toString('utf8')}\n`);
        return 0;
      };
    } else mod[imp.name] = () => 0;
  }
  return imports;
}

/** A palisade.wasm instance used only through its scan exports. */
export class WasmScanner {
  private readonly x: ScanExports;
  private readonly encoder = new TextEncoder();

  private constructor(x: ScanExports) {
    this.x = x;
  }

  static async load(wasmPath: string = DEFAULT_WASM): Promise<WasmScanner> {
    return WasmScanner.fromBytes(readFileSync(wasmPath));
  }

  static fromBytes(bytes: Uint8Array): WasmScanner {
    const module = new WebAssembly.Module(bytes);
    const ref: { memory?: WebAssembly.Memory } = {};
    const instance = new WebAssembly.Instance(module, stubImports(module, ref));
    const x = instance.exports as unknown as ScanExports;
    if (typeof x.palisade_scan_rules !== 'function') throw new Error('wasm-scanner: module has no scan exports (palisade_scan_*)');
    ref.memory = x.memory;
    x._initialize?.();
    return new WasmScanner(x);
  }

  /** Loads a serialized RuleSet; throws RulesRefusedError (previous rules stay) when malformed. */
  loadRules(bytes: Uint8Array): void {
    const p = this.copyIn(bytes);
    const status = this.x.palisade_scan_rules(p, bytes.length);
    this.x.palisade_scan_free(p);
    if (status !== 0) throw new RulesRefusedError(this.resultText(this.x.palisade_scan_result(), this.resultLength()));
  }

  /** SipHash-2-4 key of value hashes: 16 bytes. */
  setHashKey(key: Uint8Array): void {
    if (key.length !== 16) throw new Error('wasm-scanner: hash key must be 16 bytes');
    const view = new DataView(key.buffer, key.byteOffset, 16);
    this.x.palisade_scan_hash_key(view.getBigUint64(0, true), view.getBigUint64(8, true));
  }

  /**
   * FieldShape/Parameter.value_hash the filter sends for a field's first value (docs/posture.md
   * "Enums from runtime") under the key of setHashKey, as hex of its 8 bytes; '' when it sends none.
   */
  valueHash(location: 'query' | 'request' | 'response', path: string, value: string): string {
    const byte = { query: 0x71, request: 0x69, response: 0x6f }[location];
    let h = 0n;
    this.withBytes(path, (pp, pn) => this.withBytes(value, (vp, vn) => (h = this.x.palisade_scan_value_hash(byte, pp, pn, vp, vn))));
    if (h === 0n) return '';
    const out = Buffer.alloc(8);
    out.writeBigUInt64LE(BigInt.asUintN(64, h));
    return out.toString('hex');
  }

  /** Scans one message: headers in order, then the query, then the body (docs/detectors.md §2). */
  scan(message: ScanMessage, options: ScanOptions = {}): WasmScanResult {
    const x = this.x;
    x.palisade_scan_begin(options.maxBodyBytes ?? 0, options.minConfidence ?? 0, options.maxFindings ?? 0);
    let contentType = message.contentType ?? '';
    for (const [name, raw] of Object.entries(message.headers ?? {})) {
      // A header given as a list is one field, its values joined with ", " (docs/detectors.md §9).
      const value = Array.isArray(raw) ? raw.join(', ') : raw;
      if (!message.contentType && name.toLowerCase() === 'content-type') contentType = value;
      this.withBytes(name, (np, nn) => this.withBytes(value, (vp, vn) => x.palisade_scan_header(np, nn, vp, vn)));
    }
    if (message.query) this.withBytes(message.query, (p, n) => x.palisade_scan_query(p, n));
    if (message.body) {
      this.withBytes(contentType, (cp, cn) => this.withBytes(message.body!, (bp, bn) => x.palisade_scan_body(cp, cn, bp, bn)));
    }
    const n = x.palisade_scan_end();
    return JSON.parse(this.resultText(x.palisade_scan_result(), n)) as WasmScanResult;
  }

  /** Scans raw body bytes in a given content type; used by the benchmarks (no string conversion). */
  scanBodyBytes(contentType: string, body: Uint8Array, options: ScanOptions = {}): WasmScanResult {
    const x = this.x;
    x.palisade_scan_begin(options.maxBodyBytes ?? 0, options.minConfidence ?? 0, options.maxFindings ?? 0);
    const bp = this.copyIn(body);
    this.withBytes(contentType, (cp, cn) => x.palisade_scan_body(cp, cn, bp, body.length));
    x.palisade_scan_free(bp);
    const n = x.palisade_scan_end();
    return JSON.parse(this.resultText(x.palisade_scan_result(), n)) as WasmScanResult;
  }

  /** Copies body bytes into module memory once, for repeated scans (benchmarks). Free with release(). */
  pin(bytes: Uint8Array): number {
    return this.copyIn(bytes);
  }

  release(p: number): void {
    this.x.palisade_scan_free(p);
  }

  /** Size of the module's linear memory in bytes (tests that garbage is collected). */
  memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /** Scans a pinned body; findings stay in the module (no JSON: the benchmark inner loop). */
  scanPinnedBody(contentTypePin: number, contentTypeLength: number, p: number, n: number, options: ScanOptions = {}): void {
    this.x.palisade_scan_begin(options.maxBodyBytes ?? 0, options.minConfidence ?? 0, options.maxFindings ?? 0);
    this.x.palisade_scan_body(contentTypePin, contentTypeLength, p, n);
  }

  private resultLength(): number {
    return this.x.palisade_scan_result_length();
  }

  private copyIn(bytes: Uint8Array): number {
    const p = this.x.palisade_scan_alloc(Math.max(1, bytes.length));
    new Uint8Array(this.x.memory.buffer, p, bytes.length).set(bytes);
    return p;
  }

  private withBytes(text: string, use: (p: number, n: number) => void): void {
    const bytes = this.encoder.encode(text);
    const p = this.copyIn(bytes);
    try {
      use(p, bytes.length);
    } finally {
      this.x.palisade_scan_free(p);
    }
  }

  private resultText(p: number, n: number): string {
    return Buffer.from(this.x.memory.buffer, p, n).toString('utf8');
  }
}
