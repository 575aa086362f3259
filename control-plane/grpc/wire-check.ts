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

/** What the walk needs of one field, looked up per tag: computed once per type, not per byte. */
interface FieldRule {
  name: string;
  wire: number;
  /** A repeated scalar may also come packed (length-delimited). */
  packable: boolean;
  /** Nested message whose bytes are walked too. */
  inner: TypeRules | null;
}

interface TypeRules {
  name: string;
  /** Indexed by field number (sparse above the first few hundred: see `rule`). */
  byNumber: (FieldRule | undefined)[];
}

const compiled = new Map<protobuf.Type, TypeRules>();

function rulesOf(type: protobuf.Type): TypeRules {
  let rules = compiled.get(type);
  if (rules) return rules;
  rules = { name: type.name, byNumber: [] };
  // Registered before the fields so a recursive message type refers to itself.
  compiled.set(type, rules);
  for (const field of type.fieldsArray) {
    const wire = expectedWireType(field);
    rules.byNumber[field.id] = {
      name: field.name,
      wire,
      packable: field.repeated && wire !== WIRE_LEN,
      inner: field.resolvedType instanceof protobuf.Type ? rulesOf(field.resolvedType) : null,
    };
  }
  return rules;
}

const rule = (rules: TypeRules, fieldNo: number): FieldRule | undefined =>
  fieldNo < rules.byNumber.length ? rules.byNumber[fieldNo] : undefined;

/** Position after the varint at `pos`, or -1 when it is truncated or longer than 10 bytes; its value in `varintValue`. */
let varintValue = 0;
function varint(buf: Uint8Array, pos: number, end: number): number {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return -1;
    const b = buf[pos++]!;
    value += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) {
      varintValue = value;
      return pos;
    }
  }
  return -1;
}

function check(buf: Uint8Array, start: number, end: number, rules: TypeRules, depth: number): string | null {
  if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH}`;
  let pos = start;
  while (pos < end) {
    const at = pos;
    pos = varint(buf, pos, end);
    if (pos < 0) return `truncated tag at byte ${at}`;
    const fieldNo = Math.floor(varintValue / 8);
    const wire = varintValue % 8;
    if (fieldNo === 0) return `field number 0 at byte ${at}`;
    const field = rule(rules, fieldNo);
    if (field && wire !== field.wire && !(wire === WIRE_LEN && field.packable))
      return `${rules.name}.${field.name} has wire type ${wire}, expected ${field.wire} (byte ${at})`;
    switch (wire) {
      case WIRE_VARINT: {
        const next = varint(buf, pos, end);
        if (next < 0) return `truncated varint at byte ${pos}`;
        pos = next;
        break;
      }
      case WIRE_FIXED64:
        pos += 8;
        break;
      case WIRE_FIXED32:
        pos += 4;
        break;
      case WIRE_LEN: {
        const body = varint(buf, pos, end);
        if (body < 0) return `truncated length at byte ${pos}`;
        const next = body + varintValue;
        if (next > end) return `length ${varintValue} at byte ${pos} runs past the end of the message`;
        if (field?.inner) {
          const inner = check(buf, body, next, field.inner, depth + 1);
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
  return check(bytes, 0, bytes.length, rulesOf(type), 0);
}
