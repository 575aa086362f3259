// Public API of the Node Proxy-Wasm host (docs/proxy-wasm-host.md).
export { createPlugin, Plugin, DEFAULT_BUFFER_LIMIT, type PluginOptions, type NewStreamOptions } from './plugin.ts';
export { HttpStream, type StepResult, type SentLocalReply, type StreamInfo } from './http-stream.ts';
export { Vm, VmError, type LogEntry, type PluginInfo } from './vm.ts';
export { HeaderMap } from './header-map.ts';
export { serializePairs, parsePairs, type HeaderPair } from './header-pairs.ts';
export { SharedState, SharedData, SharedQueues, Metrics } from './shared-state.ts';
export { NO_TRANSPORT, parseGrpcService, type CalloutTransport, type GrpcEvents, type GrpcStreamHandle } from './callouts.ts';
export { GrpcJsTransport, type ClusterConfig } from './grpc-transport.ts';
export * from './abi-enums.ts';
