// Profiling aid (not a benchmark): scans one body of the detection bench repeatedly so
// `node --cpu-prof` (with a module built with names: asc --target release --debug) shows where
// the scan loop spends its time. Usage: node --import tsx scripts/bench/detect/profile-scan.ts
// [wasm path] [clean|sensitive] [bytes] [seconds]
import { builtinRuleSetObject, encodeRuleSetObject } from '../../../wasm-filter/tools/scan-rules.ts';
import { DEFAULT_WASM, WasmScanner } from '../../../wasm-filter/tools/wasm-scanner.ts';
import { jsonBody } from './bench-bodies.ts';

const [wasmPath = DEFAULT_WASM, kind = 'clean', sizeArg = String(1 << 20), secondsArg = '5'] = process.argv.slice(2);
const body = Buffer.from(jsonBody(kind as 'clean' | 'sensitive', Number(sizeArg)));
const wasm = await WasmScanner.load(wasmPath);
wasm.loadRules(encodeRuleSetObject(builtinRuleSetObject()));
const ct = 'application/json';
const limits = { maxBodyBytes: body.length };
const ctPin = wasm.pin(Buffer.from(ct));
const bodyPin = wasm.pin(body);
// CPU time, not wall time: the machine is shared, so a per-CPU-second figure holds under load.
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let n = 0;
while (performance.now() - t0 < Number(secondsArg) * 1000) {
  wasm.scanPinnedBody(ctPin, ct.length, bodyPin, body.length, limits);
  n++;
}
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const wallS = (performance.now() - t0) / 1000;
const mb = (body.length * n) / 1e6;
console.log(`${kind} ${body.length} bytes, ${n} scans: ${(mb / cpuS).toFixed(1)} MB per CPU-second (${(mb / wallS).toFixed(1)} MB/s wall)`);
