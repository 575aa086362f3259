// as-pect runs the AssemblyScript unit tests of the filter's pure cores (no host calls):
// wasm-filter/assembly/**/__tests__/*.spec.ts. Filter behaviour through the ABI is tested on the
// built palisade.wasm in the Node host instead (STYLE.md "test the artefact").
export default {
  entries: ['wasm-filter/assembly/**/__tests__/**/*.spec.ts'],
  include: ['wasm-filter/assembly/**/__tests__/**/*.include.ts'],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
