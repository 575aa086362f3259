// Where a scanned value comes from (proto FieldKind numbers, common.proto) and how a body is
// structured (decides which decoder runs and whether a JSON path / parameter name is tracked).

export const FIELD_PATH: i32 = 1;
export const FIELD_QUERY: i32 = 2;
export const FIELD_HEADER: i32 = 3;
export const FIELD_BODY: i32 = 4;
export const FIELD_COOKIE: i32 = 5;

/** Plain text, or anything not recognised: scanned as raw bytes. */
export const SYNTAX_TEXT: i32 = 0;
/** JSON (and NDJSON): string values are unescaped, keys and paths tracked. */
export const SYNTAX_JSON: i32 = 1;
/** application/x-www-form-urlencoded: percent-decoding and `+`, parameter names tracked. */
export const SYNTAX_FORM: i32 = 2;
/** XML: character and predefined entity references decoded, element names tracked. */
export const SYNTAX_XML: i32 = 3;

/**
 * The body syntax for a Content-Type header value (parameters ignored, case-insensitive):
 * `application/json`, `*+json`, `application/x-ndjson` → JSON; form → FORM; `*xml` → XML;
 * anything else → TEXT.
 */
export function bodySyntax(contentType: string): i32 {
  let end = contentType.indexOf(";");
  if (end < 0) end = contentType.length;
  const media = contentType.substring(0, end).trim().toLowerCase();
  if (media == "application/x-www-form-urlencoded") return SYNTAX_FORM;
  if (media.endsWith("json")) return SYNTAX_JSON;
  if (media.endsWith("xml")) return SYNTAX_XML;
  return SYNTAX_TEXT;
}
