// Enum sets stored as bit masks (bit n = enum number n) so replicas merge them with a bitwise OR in
// one UPSERT. The generated enum objects list names in number order.
import { AuthScheme } from '../../proto/gen/palisade/v1/AuthScheme.ts';
import { JsonType } from '../../proto/gen/palisade/v1/JsonType.ts';
import { Action } from '../../proto/gen/palisade/v1/Action.ts';
import { DataCategory } from '../../proto/gen/palisade/v1/DataCategory.ts';
import { Direction } from '../../proto/gen/palisade/v1/Direction.ts';
import { FieldKind } from '../../proto/gen/palisade/v1/FieldKind.ts';
import { Mode } from '../../proto/gen/palisade/v1/Mode.ts';
import { Severity } from '../../proto/gen/palisade/v1/Severity.ts';

const AUTH_NAMES = Object.keys(AuthScheme);
const JSON_TYPE_NAMES = Object.keys(JsonType);

function bitOf(names: readonly string[], value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  const n = typeof value === 'number' ? value : names.indexOf(value);
  return n > 0 && n < 31 ? 1 << n : 0;
}

function namesOf(names: readonly string[], mask: number): string[] {
  const out: string[] = [];
  for (let n = 1; n < names.length; n++) if (mask & (1 << n)) out.push(names[n]!);
  return out;
}

export const authSchemeBit = (v: string | number | null | undefined) => bitOf(AUTH_NAMES, v);
export const authSchemeNames = (mask: number) => namesOf(AUTH_NAMES, mask);
export const jsonTypeBit = (v: string | number | null | undefined) => bitOf(JSON_TYPE_NAMES, v);
export const jsonTypeNames = (mask: number) => namesOf(JSON_TYPE_NAMES, mask);

const ENUMS = {
  Action: Object.keys(Action),
  AuthScheme: AUTH_NAMES,
  DataCategory: Object.keys(DataCategory),
  Direction: Object.keys(Direction),
  FieldKind: Object.keys(FieldKind),
  JsonType: JSON_TYPE_NAMES,
  Mode: Object.keys(Mode),
  Severity: Object.keys(Severity),
};
export type EnumKind = keyof typeof ENUMS;

/**
 * An enum value as its name, whether it came as a number (protobufjs decode), a name (proto-loader,
 * JSON form) or garbage (empty string). Unknown numbers from newer gateways become ''.
 */
export function enumName(kind: EnumKind, v: unknown): string {
  const names = ENUMS[kind];
  if (typeof v === 'number') return names[v] ?? '';
  if (typeof v === 'string') return v.length <= 64 && names.includes(v) ? v : '';
  return '';
}
