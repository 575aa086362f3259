// Entry point of palisade.wasm: re-exports the Proxy-Wasm callbacks and the ABI version marker.
// abort.ts is imported so `--use abort=...` (asconfig.json) can resolve it.
import "./abi/abort";
export * from "./abi/exports";
