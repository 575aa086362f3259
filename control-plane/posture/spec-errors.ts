// Errors of spec upload and parsing, with stable codes. The HTTP layer maps them to RFC 9457
// problems (all 422 except SPEC_TOO_LARGE, 413); the CLI prints `code: message`.
export const SPEC_ERROR_CODES = {
  SPEC_TOO_LARGE: 'PAL-SPEC-TOO-LARGE',
  SPEC_PARSE: 'PAL-SPEC-PARSE',
  SPEC_VERSION: 'PAL-SPEC-VERSION',
  SPEC_INVALID: 'PAL-SPEC-INVALID',
  SPEC_REMOTE_REF: 'PAL-SPEC-REMOTE-REF',
  SPEC_BAD_REF: 'PAL-SPEC-BAD-REF',
  SPEC_TOO_COMPLEX: 'PAL-SPEC-TOO-COMPLEX',
} as const;

export type SpecErrorKind = keyof typeof SPEC_ERROR_CODES;

export class SpecError extends Error {
  readonly kind: SpecErrorKind;
  /** Stable `PAL-SPEC-*` code. */
  readonly code: string;
  readonly details: string[];

  constructor(kind: SpecErrorKind, message: string, details: string[] = []) {
    super(message);
    this.name = 'SpecError';
    this.kind = kind;
    this.code = SPEC_ERROR_CODES[kind];
    this.details = details;
  }
}
