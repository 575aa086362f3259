// The gateway-chosen values the inventory counts per endpoint (string formats per field, JWT
// header algs) come from the wire, and a JWT header is written by the client: anything outside the
// known vocabularies folds into one value so a client cannot grow the store with invented names.

/** telemetry.proto FieldShape.format vocabulary. */
const FORMATS = new Set(['date-time', 'date', 'email', 'uuid', 'ipv4', 'ipv6', 'uri']);

/** JWS `alg` values registered with IANA (RFC 7518, RFC 8037) plus `none`. */
const JWT_ALGS = new Set([
  'none',
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'ES256K',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'Ed25519',
  'Ed448',
]);

/** A known format, or '' (an unknown format says nothing the schema could use). */
export function knownFormat(v: string): string {
  return FORMATS.has(v) ? v : '';
}

/** A registered alg as written; `none` in any case as `none` (verifiers that accept it often ignore case); else `other`. */
export function jwtAlgName(v: string): string {
  if (v === '') return '';
  if (v.toLowerCase() === 'none') return 'none';
  return JWT_ALGS.has(v) ? v : 'other';
}
