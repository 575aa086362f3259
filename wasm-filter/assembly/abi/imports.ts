// Raw Proxy-Wasm ABI 0.2.1 host functions, exactly as Envoy's proxy-wasm-cpp-host registers them
// (notes §1.2). Only files in abi/ may import from here.

// @ts-ignore: decorator
@external("env", "proxy_log")
export declare function proxy_log(level: u32, messagePtr: usize, messageSize: usize): u32;
