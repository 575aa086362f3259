// Maps anything a handler or fastify throws onto the error catalogue, so every error response is
// an RFC 9457 problem document with a stable code.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Errors, PalisadeError, problemOf, type FieldError } from '../errors/catalogue.ts';
import { fieldErrorsOf } from '../errors/schema-errors.ts';

const CONTEXT_PREFIX: Record<string, string> = { body: '$', querystring: '$query', params: '$params', headers: '$headers' };

/** The PalisadeError that describes `err`, or null for an unexpected error (PAL-INTERNAL). */
export function classify(err: unknown): PalisadeError | null {
  if (err instanceof PalisadeError) return err;
  const e = err as FastifyError & { validation?: unknown[]; validationContext?: string };
  if (e && Array.isArray(e.validation)) {
    const prefix = CONTEXT_PREFIX[e.validationContext ?? 'body'] ?? '$';
    const errors: FieldError[] = fieldErrorsOf(e.validation as never).map((f) => ({ ...f, path: prefix + f.path.slice(1) }));
    return new PalisadeError(Errors.BadRequest, `${errors.length} problem(s) in the request ${e.validationContext ?? 'body'}`, errors);
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PalisadeError(Errors.BodyTooLarge, e.message);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new PalisadeError(Errors.BadJson, e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new PalisadeError(Errors.UnsupportedMediaType, e.message);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new PalisadeError(Errors.BadRequest, e.message);
  }
  // JSON.parse errors raised by a content-type parser carry statusCode 400.
  if (e instanceof SyntaxError || (e?.statusCode === 400 && /JSON/i.test(e.message))) return new PalisadeError(Errors.BadJson, e.message);
  if (e?.statusCode === 413) return new PalisadeError(Errors.BodyTooLarge, e.message);
  if (e?.statusCode === 415) return new PalisadeError(Errors.UnsupportedMediaType, e.message);
  if ((e as { name?: string })?.name === 'StoreError') return new PalisadeError(Errors.Unavailable, 'the store cannot serve this request');
  return null;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: PalisadeError): FastifyReply {
  const doc = problemOf(error, request.url.split('?')[0] ?? request.url);
  if (doc.status === 401) reply.header('www-authenticate', 'Bearer realm="palisade"');
  return reply.code(doc.status).type('application/problem+json').send(doc);
}
