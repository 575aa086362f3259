// The exact import set Envoy's proxy-wasm-cpp-host links for ABI 0.2.1 (notes §1.1-1.3, from
// cpp-host src/wasm.cc registerCallbacks and exports.h FOR_ALL_HOST_FUNCTIONS /
// FOR_ALL_WASI_FUNCTIONS). V8::link fails the load on any import not listed here or whose types
// differ, so this table is the single source of truth for the host and the import check.

export type ValType = 'i32' | 'i64';
export interface FuncSignature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

const i32 = (n: number): ValType[] => Array<ValType>(n).fill('i32');
const sig = (params: ValType[], results: ValType[] = ['i32']): FuncSignature => ({ params, results });

/** `env.proxy_*` functions: 36 common ones plus the three 0.2.1-specific ones. */
export const PROXY_FUNCTIONS: Readonly<Record<string, FuncSignature>> = {
  proxy_log: sig(i32(3)),
  proxy_get_log_level: sig(i32(1)),
  proxy_get_status: sig(i32(3)),
  proxy_set_property: sig(i32(4)),
  proxy_get_property: sig(i32(4)),
  proxy_send_local_response: sig(i32(8)),
  proxy_get_shared_data: sig(i32(5)),
  proxy_set_shared_data: sig(i32(5)),
  proxy_register_shared_queue: sig(i32(3)),
  proxy_resolve_shared_queue: sig(i32(5)),
  proxy_dequeue_shared_queue: sig(i32(3)),
  proxy_enqueue_shared_queue: sig(i32(3)),
  proxy_get_header_map_value: sig(i32(5)),
  proxy_add_header_map_value: sig(i32(5)),
  proxy_replace_header_map_value: sig(i32(5)),
  proxy_remove_header_map_value: sig(i32(3)),
  proxy_get_header_map_pairs: sig(i32(3)),
  proxy_set_header_map_pairs: sig(i32(3)),
  proxy_get_header_map_size: sig(i32(2)),
  proxy_get_buffer_status: sig(i32(3)),
  proxy_get_buffer_bytes: sig(i32(5)),
  proxy_set_buffer_bytes: sig(i32(5)),
  proxy_http_call: sig(i32(10)),
  proxy_grpc_call: sig(i32(12)),
  proxy_grpc_stream: sig(i32(9)),
  proxy_grpc_send: sig(i32(4)),
  proxy_grpc_close: sig(i32(1)),
  proxy_grpc_cancel: sig(i32(1)),
  proxy_set_tick_period_milliseconds: sig(i32(1)),
  proxy_get_current_time_nanoseconds: sig(i32(1)),
  proxy_define_metric: sig(i32(4)),
  proxy_increment_metric: sig(['i32', 'i64']),
  proxy_record_metric: sig(['i32', 'i64']),
  proxy_get_metric: sig(i32(2)),
  proxy_set_effective_context: sig(i32(1)),
  proxy_done: sig([]),
  proxy_call_foreign_function: sig(i32(6)),
  // ABI 0.2.1 only (registered after FOR_ALL_HOST_FUNCTIONS).
  proxy_continue_stream: sig(i32(1)),
  proxy_close_stream: sig(i32(1)),
};

/** Other `env` functions cpp-host always registers. */
export const ENV_EXTRAS: Readonly<Record<string, FuncSignature>> = {
  pthread_equal: sig(i32(2)),
  emscripten_notify_memory_growth: sig(i32(1), []),
};

/** WASI functions with real implementations, registered under both WASI module names. */
export const WASI_FUNCTIONS: Readonly<Record<string, FuncSignature>> = {
  fd_write: sig(i32(4)),
  fd_read: sig(i32(4)),
  fd_seek: sig(['i32', 'i64', 'i32', 'i32']),
  fd_close: sig(i32(1)),
  fd_fdstat_get: sig(i32(2)),
  fd_fdstat_set_flags: sig(i32(2)),
  fd_fdstat_set_rights: sig(['i32', 'i64', 'i64']),
  environ_get: sig(i32(2)),
  environ_sizes_get: sig(i32(2)),
  args_get: sig(i32(2)),
  args_sizes_get: sig(i32(2)),
  clock_time_get: sig(['i32', 'i64', 'i32']),
  clock_res_get: sig(i32(2)),
  random_get: sig(i32(2)),
  sched_yield: sig([]),
  poll_oneoff: sig(i32(4)),
  proc_exit: sig(i32(1), []),
  // Stubs: present so modules link; they answer ENOTSUP/BADF/ENOSYS/NOENT.
  fd_advise: sig(['i32', 'i64', 'i64', 'i32']),
  fd_allocate: sig(['i32', 'i64', 'i64']),
  fd_datasync: sig(i32(1)),
  fd_filestat_get: sig(i32(2)),
  fd_filestat_set_size: sig(['i32', 'i64']),
  fd_filestat_set_times: sig(['i32', 'i64', 'i64', 'i32']),
  fd_pread: sig(['i32', 'i32', 'i32', 'i64', 'i32']),
  fd_pwrite: sig(['i32', 'i32', 'i32', 'i64', 'i32']),
  fd_readdir: sig(['i32', 'i32', 'i32', 'i64', 'i32']),
  fd_renumber: sig(i32(2)),
  fd_sync: sig(i32(1)),
  fd_tell: sig(i32(2)),
  fd_prestat_get: sig(i32(2)),
  fd_prestat_dir_name: sig(i32(3)),
  path_open: sig(['i32', 'i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32', 'i32']),
  path_create_directory: sig(i32(3)),
  path_filestat_get: sig(i32(5)),
  path_filestat_set_times: sig(['i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32']),
  path_link: sig(i32(7)),
  path_readlink: sig(i32(6)),
  path_remove_directory: sig(i32(3)),
  path_rename: sig(i32(6)),
  path_symlink: sig(i32(5)),
  path_unlink_file: sig(i32(3)),
  sock_accept: sig(i32(3)),
  sock_recv: sig(i32(6)),
  sock_send: sig(i32(5)),
  sock_shutdown: sig(i32(2)),
};

export const WASI_MODULES = ['wasi_snapshot_preview1', 'wasi_unstable'] as const;

/** The signature Envoy links for `module.name`, or undefined when Envoy would refuse the import. */
export function expectedImport(module: string, name: string): FuncSignature | undefined {
  if (module === 'env') return PROXY_FUNCTIONS[name] ?? ENV_EXTRAS[name];
  if ((WASI_MODULES as readonly string[]).includes(module)) return WASI_FUNCTIONS[name];
  return undefined;
}

/**
 * Exports the host calls and the types cpp-host's getFunction requires (notes §2.1-2.2); an export
 * with one of these names but another type fails the VM with "Bad function signature for: <name>".
 */
export const CALLBACK_SIGNATURES: Readonly<Record<string, FuncSignature>> = {
  _initialize: sig([], []),
  _start: sig([], []),
  main: sig(i32(2)),
  __main_void: sig([]),
  malloc: sig(i32(1)),
  proxy_on_memory_allocate: sig(i32(1)),
  proxy_on_context_create: sig(i32(2), []),
  proxy_on_vm_start: sig(i32(2)),
  proxy_on_configure: sig(i32(2)),
  proxy_validate_configuration: sig(i32(2)),
  proxy_on_tick: sig(i32(1), []),
  proxy_on_done: sig(i32(1)),
  proxy_on_log: sig(i32(1), []),
  proxy_on_delete: sig(i32(1), []),
  proxy_on_request_headers: sig(i32(3)),
  proxy_on_request_body: sig(i32(3)),
  proxy_on_request_trailers: sig(i32(2)),
  proxy_on_request_metadata: sig(i32(2)),
  proxy_on_response_headers: sig(i32(3)),
  proxy_on_response_body: sig(i32(3)),
  proxy_on_response_trailers: sig(i32(2)),
  proxy_on_response_metadata: sig(i32(2)),
  proxy_on_http_call_response: sig(i32(5), []),
  proxy_on_grpc_receive_initial_metadata: sig(i32(3), []),
  proxy_on_grpc_receive: sig(i32(3), []),
  proxy_on_grpc_receive_trailing_metadata: sig(i32(3), []),
  proxy_on_grpc_close: sig(i32(3), []),
  proxy_on_queue_ready: sig(i32(2), []),
  proxy_on_foreign_function: sig(i32(3), []),
};
