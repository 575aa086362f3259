// Envoy's proxy-wasm-cpp-host provides no `env.abort` (notes §1.1, §8.1): a module importing it
// fails to load. asconfig.json redirects AssemblyScript's abort here with `--use abort=...`; we
// log at critical level through proxy_log (allowed even in restricted phases) and trap, which
// Envoy turns into "VM failed" and, per the plugin's fail_open setting, a 503 or a bypass.
import { proxy_log } from "./imports";

const LOG_CRITICAL: u32 = 5;

export function palisadeAbort(
  message: string | null,
  fileName: string | null,
  lineNumber: u32,
  columnNumber: u32,
): void {
  let text = "palisade abort: " + (message !== null ? message : "(no message)");
  if (fileName !== null) text += " at " + fileName + ":" + lineNumber.toString() + ":" + columnNumber.toString();
  const bytes = String.UTF8.encode(text);
  proxy_log(LOG_CRITICAL, changetype<usize>(bytes), bytes.byteLength);
  unreachable();
}
