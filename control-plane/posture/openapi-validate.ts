// Validity of OpenAPI documents against the official JSON Schemas of OpenAPI 2.0, 3.0 and 3.1
// (bundled in @seriousme/openapi-schema-validator: no network). Used on what we generate (tests,
// `palisade discover`) and on what users upload, before anything is stored.
import { Validator } from '@seriousme/openapi-schema-validator';

export interface ValidationResult {
  valid: boolean;
  /** `instancePath: message` lines, at most 20. */
  errors: string[];
}

let validator: Validator | undefined;

export async function validateOpenApi(doc: unknown): Promise<ValidationResult> {
  validator ??= new Validator();
  // The validator keeps the last document; a fresh object keeps callers' documents untouched.
  const res = await validator.validate(structuredClone(doc) as Record<string, unknown>);
  if (res.valid) return { valid: true, errors: [] };
  const raw = Array.isArray(res.errors) ? res.errors : [res.errors];
  const errors = raw.slice(0, 20).map((e: unknown) => {
    const o = e as { instancePath?: string; message?: string };
    return typeof e === 'object' && e ? `${o.instancePath || '/'}: ${o.message ?? 'invalid'}` : String(e);
  });
  return { valid: false, errors };
}
