// Runtime auth schemes ↔ OpenAPI security schemes. One table both ways, so the generated spec and
// the conformance check agree on what "the scheme the spec declares" means.
import type { AuthSchemeName } from './model.ts';

export type SecuritySchemeObject = Record<string, unknown>;

/** The OpenAPI security scheme (and its component name) for a runtime scheme; null for `none`. */
export function securitySchemeFor(scheme: AuthSchemeName, keyName?: string): { name: string; object: SecuritySchemeObject } | null {
  switch (scheme) {
    case 'none':
      return null;
    case 'basic':
      return { name: 'basicAuth', object: { type: 'http', scheme: 'basic' } };
    case 'bearer':
      return { name: 'bearerAuth', object: { type: 'http', scheme: 'bearer' } };
    case 'jwt':
      return { name: 'jwtAuth', object: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } };
    case 'api-key-header': {
      const n = keyName || 'x-api-key';
      return { name: `apiKeyHeader_${safeName(n)}`, object: { type: 'apiKey', in: 'header', name: n } };
    }
    case 'api-key-query': {
      const n = keyName || 'api_key';
      return { name: `apiKeyQuery_${safeName(n)}`, object: { type: 'apiKey', in: 'query', name: n } };
    }
    case 'cookie': {
      const n = keyName || 'session';
      return { name: `cookieAuth_${safeName(n)}`, object: { type: 'apiKey', in: 'cookie', name: n } };
    }
    case 'mtls':
      return { name: 'mutualTLS', object: { type: 'mutualTLS' } };
    case 'other':
      return null;
  }
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * The runtime schemes a declared OpenAPI (3.x or Swagger 2.0) security scheme accepts. Bearer
 * accepts both opaque tokens and JWTs; OAuth2 and OpenID Connect are bearer tokens on the wire.
 */
export function runtimeSchemesFor(declared: Record<string, unknown>): AuthSchemeName[] {
  const type = String(declared.type ?? '').toLowerCase();
  if (type === 'http') {
    const s = String(declared.scheme ?? '').toLowerCase();
    if (s === 'basic') return ['basic'];
    if (s === 'bearer') return ['bearer', 'jwt'];
    return ['other'];
  }
  if (type === 'basic') return ['basic']; // Swagger 2.0
  if (type === 'apikey') {
    const where = String(declared.in ?? '').toLowerCase();
    return where === 'query' ? ['api-key-query'] : where === 'cookie' ? ['cookie'] : ['api-key-header'];
  }
  if (type === 'oauth2' || type === 'openidconnect') return ['bearer', 'jwt'];
  if (type === 'mutualtls') return ['mtls'];
  return ['other'];
}
