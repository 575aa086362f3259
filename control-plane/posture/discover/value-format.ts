// Type and format of a scalar seen in a capture (query value, path segment, JSON string). The format
// vocabulary is the gateway's (telemetry.proto FieldShape.format) so offline discovery and live
// traffic produce the same schemas.
import { isIP } from 'node:net';
import type { JsonType } from '../model.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;
const EMAIL = /^[^\s@]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$/;
const URI = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i;

/** Format of a string value, or '' when none applies. */
export function stringFormat(s: string): string {
  if (s.length > 512) return '';
  if (UUID.test(s)) return 'uuid';
  if (DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T')))) return 'date-time';
  if (DATE.test(s)) return 'date';
  if (EMAIL.test(s)) return 'email';
  const ip = isIP(s);
  if (ip === 4) return 'ipv4';
  if (ip === 6) return 'ipv6';
  if (URI.test(s)) return 'uri';
  return '';
}

/** Type of a value that arrived as text (query string, path segment, header). */
export function textType(s: string): JsonType {
  if (/^-?(0|[1-9]\d{0,17})$/.test(s)) return 'integer';
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(s)) return 'number';
  if (s === 'true' || s === 'false') return 'boolean';
  return 'string';
}

/** Type of a parsed JSON value. */
export function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}
