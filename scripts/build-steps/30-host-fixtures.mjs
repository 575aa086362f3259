// Compiles the Proxy-Wasm host's AssemblyScript conformance fixtures (wasm-filter/host/fixtures/).
import { buildFixtures } from '../../wasm-filter/host/fixtures/build-fixtures.mjs';

export const description = 'host conformance fixtures (AssemblyScript → wasm-filter/host/fixtures/build/)';

export async function run() {
  const built = buildFixtures();
  return `(${built.length} fixtures)`;
}
