// Proxy-Wasm ABI 0.2.1 enumerations (notes §3; values from proxy-wasm-cpp-sdk proxy_wasm_common.h
// and proxy_wasm_enums.h, which cpp-host compiles against).

/** proxy_status_t: what every hostcall returns. */
export namespace WasmResult {
  export const Ok: u32 = 0;
  export const NotFound: u32 = 1;
  export const BadArgument: u32 = 2;
  export const SerializationFailure: u32 = 3;
  export const ParseFailure: u32 = 4;
  export const InvalidMemoryAccess: u32 = 6;
  export const Empty: u32 = 7;
  export const CasMismatch: u32 = 8;
  export const InternalFailure: u32 = 10;
  export const Unimplemented: u32 = 12;
}

/** Return values of the HTTP callbacks. Pause from headers stops body callbacks too (notes §4). */
export namespace Action {
  export const Continue: u32 = 0;
  export const Pause: u32 = 1;
}

export namespace BufferType {
  export const HttpRequestBody: u32 = 0;
  export const HttpResponseBody: u32 = 1;
  export const GrpcReceiveBuffer: u32 = 5;
  export const VmConfiguration: u32 = 6;
  export const PluginConfiguration: u32 = 7;
}

export namespace MapType {
  export const HttpRequestHeaders: u32 = 0;
  export const HttpRequestTrailers: u32 = 1;
  export const HttpResponseHeaders: u32 = 2;
  export const HttpResponseTrailers: u32 = 3;
  export const GrpcReceiveInitialMetadata: u32 = 4;
  export const GrpcReceiveTrailingMetadata: u32 = 5;
}

export namespace StreamType {
  export const HttpRequest: u32 = 0;
  export const HttpResponse: u32 = 1;
}

export namespace LogLevel {
  export const Trace: u32 = 0;
  export const Debug: u32 = 1;
  export const Info: u32 = 2;
  export const Warn: u32 = 3;
  export const Error: u32 = 4;
  export const Critical: u32 = 5;
}

export namespace MetricType {
  export const Counter: u32 = 0;
  export const Gauge: u32 = 1;
  export const Histogram: u32 = 2;
}

export namespace GrpcStatus {
  export const Ok: u32 = 0;
  export const Unavailable: u32 = 14;
  /** "No gRPC status": send_local_response then produces a plain HTTP reply (notes §5). */
  export const None: i32 = -1;
}
