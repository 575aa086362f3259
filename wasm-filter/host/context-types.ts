// What a hostcall needs from the context it acts on. Root contexts (plugin) and HTTP stream
// contexts both implement it; each answers only for the maps and buffers Envoy makes available
// to that kind of context at that moment (notes §3.1).
import type { HeaderMap } from './header-map.ts';
import type { HeaderPair } from './header-pairs.ts';

/** A buffer visible to proxy_get_buffer_bytes / proxy_set_buffer_bytes. */
export interface BufferAccess {
  bytes(): Uint8Array;
  /** Undefined for immutable buffers (configurations, callout responses): BadArgument. */
  set?(start: number, length: number, data: Uint8Array): number;
}

/** Values of proxy_get_property, serialized as Envoy does (strings raw, ints 8-byte LE, maps as pairs). */
export type PropertyValue = string | bigint | boolean | Uint8Array | readonly HeaderPair[];

export interface LocalReply {
  status: number;
  /** Response code details, whitespace replaced by '_' as Envoy does. */
  details: string;
  body: Uint8Array;
  /** Additional headers the filter asked for (names lower-cased). */
  headers: HeaderPair[];
  /** 0..16 for a gRPC reply; undefined for a plain HTTP reply (SDKs pass -1). */
  grpcStatus: number | undefined;
}

export interface ContextHost {
  readonly id: number;
  readonly rootId: number;
  readonly isRoot: boolean;
  headerMap(type: number): HeaderMap | undefined;
  buffer(type: number): BufferAccess | undefined;
  property(path: string): PropertyValue | undefined;
  setProperty(path: string, value: Uint8Array): number;
  /** Deferred until the VM call returns (Envoy addAfterVmCallAction). */
  sendLocalResponse(reply: LocalReply): number;
  continueStream(streamType: number): number;
  closeStream(streamType: number): number;
}

/** Serializes a property value to the bytes the guest receives. */
export function propertyBytes(value: PropertyValue, serializePairs: (p: readonly HeaderPair[]) => Uint8Array): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'bigint') {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt.asIntN(64, value));
    return b;
  }
  if (typeof value === 'boolean') return Uint8Array.of(value ? 1 : 0);
  if (value instanceof Uint8Array) return value;
  return serializePairs(value);
}
