// Lists a module's imports and fails when Envoy (proxy-wasm-cpp-host, ABI 0.2.1) would not link it.
// Usage: tsx wasm-filter/tools/check-imports.ts [FILE.wasm]   (default: wasm-filter/build/palisade.wasm)
import { readFileSync } from 'node:fs';
import { linkProblems, readModuleImports } from '../host/module-imports.ts';

const file = process.argv[2] ?? 'wasm-filter/build/palisade.wasm';
let bytes: Uint8Array;
try {
  bytes = readFileSync(file);
} catch {
  console.error(`check-imports: cannot read ${file}; run \`npm run build\` first`);
  process.exit(2);
}
const imports = readModuleImports(bytes);
for (const imp of imports) {
  const type = imp.signature ? ` (${imp.signature.params.join(',')})->(${imp.signature.results.join(',')})` : '';
  console.log(`import ${imp.module}.${imp.name} ${imp.kind}${type}`);
}
const problems = linkProblems(imports);
for (const problem of problems) console.error(problem);
console.log(`${file}: ${imports.length} imports, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
