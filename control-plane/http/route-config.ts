// What every route declares besides its handler: who may call it and what it answers, so the
// auth hook and the OpenAPI document read one declaration (no route is documented or protected
// by a second, drifting list).
import type { Principal, Role } from '../auth/roles.ts';
import type { JsonSchema } from '../rules/proto-json-schema.ts';

export interface RouteDocs {
  /** Success status (default 200). */
  status?: number;
  description: string;
  /** JSON Schema of the success body (`$ref` into components allowed); absent = no body. */
  schema?: JsonSchema;
  /** Media type of the success body (default application/json). */
  mediaType?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed (any of); `public` = no token needed. */
    auth?: readonly Role[] | 'public';
    docs?: RouteDocs;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: string[];
  }
}

/** `#/components/schemas/<name>` reference used in route docs. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}
