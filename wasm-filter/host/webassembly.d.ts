// The WebAssembly JS API as Node 20 provides it. The root tsconfig uses lib ES2023 without DOM,
// and @types/node 20 does not declare the WebAssembly global, so the host declares what it uses.
declare namespace WebAssembly {
  type ImportValue = ((...args: never[]) => unknown) | Memory | Table | Global | number;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;
  type Exports = Record<string, unknown>;
  class Module {
    constructor(bytes: BufferSource);
    static exports(module: Module): { name: string; kind: string }[];
    static imports(module: Module): { module: string; name: string; kind: string }[];
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Table {
    private constructor();
  }
  class Global {
    constructor(descriptor: { value: string; mutable?: boolean }, value?: number);
    value: number;
  }
  class RuntimeError extends Error {}
  class CompileError extends Error {}
  class LinkError extends Error {}
  type BufferSource = ArrayBufferView | ArrayBuffer;
  function compile(bytes: BufferSource): Promise<Module>;
  function validate(bytes: BufferSource): boolean;
}
