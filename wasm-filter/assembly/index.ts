// Entry point of palisade.wasm: re-exports the Proxy-Wasm callbacks and the ABI version marker.
// abort.ts is imported so `--use abort=...` (asconfig.json) can resolve it; filter.ts registers
// the root-context factory at start (no hostcall: only proxy_log is allowed there, notes §1.3).
import "./abi/abort";
import "./filter";
export * from "./abi/exports";
export * from "./scan-exports";
