// Small JSON Schemas shared by route declarations (pagination, ids, uint64 parameters).
import type { JsonSchema } from '../rules/proto-json-schema.ts';
import { MAX_PAGE_LIMIT } from './keyset-cursor.ts';

export const PAGE_QUERY_PROPERTIES: Record<string, JsonSchema> = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, description: `Items per page, 1-${MAX_PAGE_LIMIT} (default 100).` },
  cursor: { type: 'string', maxLength: 512, description: 'nextCursor of the previous page.' },
};

export function pageQuery(extra: Record<string, JsonSchema> = {}): JsonSchema {
  return { type: 'object', additionalProperties: false, properties: { ...PAGE_QUERY_PROPERTIES, ...extra } };
}

export const VERSION_NUMBER: JsonSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };

export function idParams(name: string, schema: JsonSchema = { type: 'string', minLength: 1, maxLength: 256 }): JsonSchema {
  return { type: 'object', additionalProperties: false, required: [name], properties: { [name]: schema } };
}

/** `{ items: [...], nextCursor }` of `item`. */
export function pageOf(item: JsonSchema): JsonSchema {
  return { type: 'object', properties: { items: { type: 'array', items: item }, nextCursor: { type: 'string' } } };
}
