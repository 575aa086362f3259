// Problem codes of the posture and alert APIs, in the catalogue's shape (errors/catalogue.ts) so the
// HTTP layer renders them as RFC 9457 problems. Listed in docs/posture.md; to be folded into the
// central catalogue by its owner.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Errors, PalisadeError, type ErrorDefinition, type FieldError } from '../errors/catalogue.ts';
import { AlertRouteError } from '../alerts/alert-route.ts';
import { RiskModelError } from './risk-model.ts';
import { SpecError } from './spec-errors.ts';

function def(code: string, http: number, grpc: GrpcStatus, title: string): ErrorDefinition {
  return Object.freeze({ code, http, grpc, title });
}

export const PostureErrors = Object.freeze({
  SpecTooLarge: def('PAL-SPEC-TOO-LARGE', 413, GrpcStatus.RESOURCE_EXHAUSTED, 'The uploaded spec is too large'),
  SpecParse: def('PAL-SPEC-PARSE', 422, GrpcStatus.INVALID_ARGUMENT, 'The uploaded spec is not valid JSON or YAML'),
  SpecVersion: def('PAL-SPEC-VERSION', 422, GrpcStatus.INVALID_ARGUMENT, 'The uploaded spec is not OpenAPI 3.0, 3.1 or Swagger 2.0'),
  SpecInvalid: def('PAL-SPEC-INVALID', 422, GrpcStatus.INVALID_ARGUMENT, 'The uploaded spec does not match the OpenAPI schema'),
  SpecRemoteRef: def('PAL-SPEC-REMOTE-REF', 422, GrpcStatus.INVALID_ARGUMENT, 'The uploaded spec has a non-local $ref; nothing is fetched'),
  SpecBadRef: def('PAL-SPEC-BAD-REF', 422, GrpcStatus.INVALID_ARGUMENT, 'The uploaded spec has a $ref that points to nothing'),
  SpecTooComplex: def(
    'PAL-SPEC-TOO-COMPLEX',
    422,
    GrpcStatus.INVALID_ARGUMENT,
    'The uploaded spec expands beyond the allowed size or depth',
  ),
  RiskModelInvalid: def('PAL-RISK-MODEL-INVALID', 422, GrpcStatus.INVALID_ARGUMENT, 'The risk model change is not valid'),
  AlertRouteInvalid: def('PAL-ALERT-ROUTE-INVALID', 422, GrpcStatus.INVALID_ARGUMENT, 'The alert route is not valid'),
  AlertRouteExists: def('PAL-ALERT-ROUTE-EXISTS', 409, GrpcStatus.ALREADY_EXISTS, 'An alert route with this id exists'),
  PostureNotFound: def('PAL-POSTURE-NOT-FOUND', 404, GrpcStatus.NOT_FOUND, 'No such posture resource'),
  GeoUnavailable: def('PAL-GEO-UNAVAILABLE', 503, GrpcStatus.UNAVAILABLE, 'The geography databases could not be opened'),
} satisfies Record<string, ErrorDefinition>);

const SPEC_DEFS: Record<string, ErrorDefinition> = {
  'PAL-SPEC-TOO-LARGE': PostureErrors.SpecTooLarge,
  'PAL-SPEC-PARSE': PostureErrors.SpecParse,
  'PAL-SPEC-VERSION': PostureErrors.SpecVersion,
  'PAL-SPEC-INVALID': PostureErrors.SpecInvalid,
  'PAL-SPEC-REMOTE-REF': PostureErrors.SpecRemoteRef,
  'PAL-SPEC-BAD-REF': PostureErrors.SpecBadRef,
  'PAL-SPEC-TOO-COMPLEX': PostureErrors.SpecTooComplex,
};

/** Maps the posture cores' errors to problems; anything else is rethrown unchanged. */
export function toProblem(err: unknown): never {
  if (err instanceof SpecError) {
    const errors: FieldError[] = err.details.map((d) => ({ path: `$spec${d.split(':')[0]?.replace(/\//g, '.') ?? ''}`, message: d }));
    throw new PalisadeError(SPEC_DEFS[err.code] ?? Errors.BadRequest, err.message, errors);
  }
  if (err instanceof RiskModelError)
    throw new PalisadeError(PostureErrors.RiskModelInvalid, err.message, [{ path: `$.${err.path}`, message: err.message }]);
  if (err instanceof AlertRouteError)
    throw new PalisadeError(PostureErrors.AlertRouteInvalid, err.message, [
      { path: `$.${err.path.replace(/^route\.?/, '')}`, message: err.message },
    ]);
  throw err;
}
