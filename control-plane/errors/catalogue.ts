// The one list of errors the control plane returns, over HTTP (RFC 9457 problem details) and gRPC.
// Codes are stable: clients (the dashboard, the Apigee flow, scripts) branch on `code`, never on
// titles. test/unit/... checks that every code here is documented in docs/api.md.
import { status as GrpcStatus } from '@grpc/grpc-js';

export interface ErrorDefinition {
  /** Stable machine-readable code, `PAL-<AREA>-<WHAT>`. */
  readonly code: string;
  /** HTTP status of the problem document. */
  readonly http: number;
  /** gRPC status for the same condition on GatewayService. */
  readonly grpc: GrpcStatus;
  /** Short summary of the problem type (RFC 9457 `title`). */
  readonly title: string;
}

function def(code: string, http: number, grpc: GrpcStatus, title: string): ErrorDefinition {
  return Object.freeze({ code, http, grpc, title });
}

export const Errors = Object.freeze({
  BadRequest: def('PAL-REQUEST-INVALID', 400, GrpcStatus.INVALID_ARGUMENT, 'The request does not match the API schema'),
  BadJson: def('PAL-REQUEST-JSON', 400, GrpcStatus.INVALID_ARGUMENT, 'The request body is not valid JSON'),
  BadCursor: def('PAL-REQUEST-CURSOR', 400, GrpcStatus.INVALID_ARGUMENT, 'The pagination cursor is not valid'),
  BodyTooLarge: def('PAL-REQUEST-TOO-LARGE', 413, GrpcStatus.RESOURCE_EXHAUSTED, 'The request body is too large'),
  UnsupportedMediaType: def('PAL-REQUEST-MEDIA-TYPE', 415, GrpcStatus.INVALID_ARGUMENT, 'The request body must be application/json'),
  Unauthenticated: def('PAL-AUTH-UNAUTHENTICATED', 401, GrpcStatus.UNAUTHENTICATED, 'A valid bearer token is required'),
  Forbidden: def('PAL-AUTH-FORBIDDEN', 403, GrpcStatus.PERMISSION_DENIED, 'The token does not have the role this operation needs'),
  GatewayMismatch: def('PAL-GATEWAY-MISMATCH', 403, GrpcStatus.PERMISSION_DENIED, "The gateway id does not match the token's gateway"),
  NotFound: def('PAL-NOT-FOUND', 404, GrpcStatus.NOT_FOUND, 'No such resource'),
  EndpointNotFound: def('PAL-ENDPOINT-NOT-FOUND', 404, GrpcStatus.NOT_FOUND, 'No endpoint has this id'),
  GatewayNotFound: def('PAL-GATEWAY-NOT-FOUND', 404, GrpcStatus.NOT_FOUND, 'No gateway has this id'),
  TokenNotFound: def('PAL-TOKEN-NOT-FOUND', 404, GrpcStatus.NOT_FOUND, 'No token has this id'),
  RulesVersionNotFound: def('PAL-RULES-VERSION-NOT-FOUND', 404, GrpcStatus.NOT_FOUND, 'No rule version has this number'),
  RulesInvalid: def('PAL-RULES-INVALID', 422, GrpcStatus.INVALID_ARGUMENT, 'The rule source is not valid'),
  RulesConflict: def('PAL-RULES-CONFLICT', 409, GrpcStatus.ABORTED, 'The current rule version is not the expected one'),
  ReportInvalid: def('PAL-REPORT-INVALID', 422, GrpcStatus.INVALID_ARGUMENT, 'The report batch is not valid'),
  MethodNotAllowed: def('PAL-METHOD-NOT-ALLOWED', 405, GrpcStatus.UNIMPLEMENTED, 'The method is not allowed on this resource'),
  Unavailable: def('PAL-UNAVAILABLE', 503, GrpcStatus.UNAVAILABLE, 'The control plane cannot serve this request right now'),
  Internal: def('PAL-INTERNAL', 500, GrpcStatus.INTERNAL, 'Internal error'),
} satisfies Record<string, ErrorDefinition>);

export type ErrorName = keyof typeof Errors;

/** Every definition, for documentation checks and the OpenAPI document. */
export const ALL_ERRORS: readonly ErrorDefinition[] = Object.values(Errors);

/** One validation error: JSON path of the offending value and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error the control plane raises on purpose; everything else is PAL-INTERNAL. */
export class PalisadeError extends Error {
  readonly definition: ErrorDefinition;
  readonly errors: readonly FieldError[];

  constructor(definition: ErrorDefinition, detail?: string, errors: readonly FieldError[] = []) {
    super(detail ?? definition.title);
    this.name = 'PalisadeError';
    this.definition = definition;
    this.errors = errors;
  }

  get code(): string {
    return this.definition.code;
  }
}

/** RFC 9457 problem details, as in admin.proto `Problem`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: FieldError[];
}

export const PROBLEM_TYPE_BASE = 'https://palisade.dev/problems/';

export function problemOf(error: PalisadeError, instance: string): ProblemDocument {
  const d = error.definition;
  const doc: ProblemDocument = {
    type: PROBLEM_TYPE_BASE + d.code,
    title: d.title,
    status: d.http,
    detail: error.message,
    instance,
    code: d.code,
  };
  if (error.errors.length > 0) doc.errors = [...error.errors];
  return doc;
}
