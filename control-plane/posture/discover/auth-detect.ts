// How a captured request authenticated, from its headers, query and cookies — the same decisions
// the gateway makes (telemetry.proto AuthInfo), so discovery and live inventory agree.
import type { AuthSchemeName } from '../model.ts';

export interface DetectedAuth {
  scheme: AuthSchemeName;
  jwtAlg?: string;
  keyName?: string;
}

const KEY_HEADERS = ['x-api-key', 'api-key', 'apikey', 'x-apikey', 'x-auth-token', 'x-access-token'];
const KEY_QUERY = ['api_key', 'apikey', 'api-key', 'key', 'access_token', 'token'];
const SESSION_COOKIE = /^(session|sessionid|sid|connect\.sid|jsessionid|phpsessid|auth|token)$/i;

function jwtAlg(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p, i) => i === 2 || /^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg : undefined;
  } catch {
    return undefined;
  }
}

/** `headers` keys must be lower case. */
export function detectAuth(headers: Record<string, string>, query: URLSearchParams): DetectedAuth {
  const authz = headers.authorization;
  if (authz) {
    const [kind, ...rest] = authz.trim().split(/\s+/);
    const cred = rest.join(' ');
    if (/^basic$/i.test(kind ?? '')) return { scheme: 'basic' };
    if (/^bearer$/i.test(kind ?? '')) {
      const alg = jwtAlg(cred);
      return alg ? { scheme: 'jwt', jwtAlg: alg } : { scheme: 'bearer' };
    }
    return { scheme: 'other' };
  }
  for (const h of KEY_HEADERS) if (headers[h]) return { scheme: 'api-key-header', keyName: h };
  for (const q of KEY_QUERY) if (query.has(q)) return { scheme: 'api-key-query', keyName: q };
  const cookie = headers.cookie;
  if (cookie)
    for (const part of cookie.split(';')) {
      const name = part.split('=')[0]?.trim() ?? '';
      if (SESSION_COOKIE.test(name)) return { scheme: 'cookie', keyName: name };
    }
  return { scheme: 'none' };
}

/** Query parameters that carry credentials: never listed as API parameters. */
export function isCredentialQueryParam(name: string): boolean {
  return KEY_QUERY.includes(name.toLowerCase());
}
