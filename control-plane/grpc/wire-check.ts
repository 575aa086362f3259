// Strict protobuf wire check for incoming ReportBatch bytes. protobufjs decodes leniently (a wrong
// wire type or a length running past the end can still yield an object), so a corrupted batch
// would be stored as an empty or half-read one. This walks the bytes against the schema first:
// every tag, wire type, varint and length must be valid and fit. Returns null when well-formed,
// else a short reason with the byte offset.
import protobuf from 'protobufjs';
import { join } from 'node:path';
import { PROTO_FILES, PROTO_ROOT } from '../../proto/load.ts';

const MAX_DEPTH = 32;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);

let root: protobuf.Root | undefined;

/** The palisade.v1 message type `name`, from the same files proto/load.ts loads. */
export function messageType(name: string): protobuf.Type {
  if (!root) {
    root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith(PROTO_ROOT) ? target : join(PROTO_ROOT, target));
    root.loadSync(PROTO_FILES.map((f) => join(PROTO_ROOT, f)));
    root.resolveAll();
  }
  return root.lookupType(`palisade.v1.${name}`);
}

function expectedWireType(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Enum) return WIRE_VARINT;
  if (VARINT_TYPES.has(field.type)) return WIRE_VARINT;
  if (FIXED64_TYPES.has(field.type)) return WIRE_FIXED64;
  if (FIXED32_TYPES.has(field.type)) return WIRE_FIXED32;
  return WIRE_LEN;
}

/** Reads a varint at `pos`; returns [value, next] or null when it is truncated or longer than 10 bytes. */
function varint(buf: Uint8Array, pos: number, end: number): [number, number] | null {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return null;
    const b = buf[pos++]!;
    value += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) return [value, pos];
  }
  return null;
}

function check(buf: Uint8Array, start: number, end: number, type: protobuf.Type, depth: number): string | null {
  if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH}`;
  let pos = start;
  while (pos < end) {
    const at = pos;
    const t = varint(buf, pos, end);
    if (!t) return `truncated tag at byte ${at}`;
    pos = t[1];
    const fieldNo = Math.floor(t[0] / 8);
    const wire = t[0] % 8;
    if (fieldNo === 0) return `field number 0 at byte ${at}`;
    const field = type.fieldsById[fieldNo];
    if (field) {
      const want = expectedWireType(field);
      const packed = wire === WIRE_LEN && field.repeated && want !== WIRE_LEN;
      if (wire !== want && !packed) return `${type.name}.${field.name} has wire type ${wire}, expected ${want} (byte ${at})`;
    }
    switch (wire) {
      case WIRE_VARINT: {
        const v = varint(buf, pos, end);
        if (!v) return `truncated varint at byte ${pos}`;
        pos = v[1];
        break;
      }
      case WIRE_FIXED64:
        pos += 8;
        break;
      case WIRE_FIXED32:
        pos += 4;
        break;
      case WIRE_LEN: {
        const l = varint(buf, pos, end);
        if (!l) return `truncated length at byte ${pos}`;
        const next = l[1] + l[0];
        if (next > end) return `length ${l[0]} at byte ${pos} runs past the end of the message`;
        if (field && field.resolvedType instanceof protobuf.Type) {
          const inner = check(buf, l[1], next, field.resolvedType, depth + 1);
          if (inner) return inner;
        }
        pos = next;
        break;
      }
      default:
        return `invalid wire type ${wire} at byte ${at}`;
    }
    if (pos > end) return `field at byte ${at} runs past the end of the message`;
  }
  return null;
}

/** Null when `bytes` is a well-formed encoding of `type`, else why not. */
export function wireProblem(bytes: Uint8Array, type: protobuf.Type): string | null {
  return check(bytes, 0, bytes.length, type, 0);
}
