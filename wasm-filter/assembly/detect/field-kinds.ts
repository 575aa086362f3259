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
 * What the content type says about a body (parameters included, case-insensitive): contains
 * `x-www-form-urlencoded` → FORM; contains `xml` → XML; contains `json` → JSON; else TEXT.
 * The scanner settles the mode with the body's first byte (bodyMode).
 */
export function bodySyntax(contentType: string): i32 {
  const ct = contentType.toLowerCase();
  if (ct.includes("x-www-form-urlencoded")) return SYNTAX_FORM;
  if (ct.includes("xml")) return SYNTAX_XML;
  if (ct.includes("json")) return SYNTAX_JSON;
  return SYNTAX_TEXT;
}

/**
 * The body mode of docs/detectors.md §2, first rule that applies: FORM by content type; the first
 * byte that is not space, tab, CR or LF is `{` or `[` → JSON (whatever the content type); XML by
 * content type and that byte is `<`; otherwise TEXT.
 */
export function bodyMode(syntax: i32, ptr: usize, len: usize): i32 {
  if (syntax == SYNTAX_FORM) return SYNTAX_FORM;
  let first: u32 = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (c != 32 && c != 9 && c != 13 && c != 10) {
      first = c;
      break;
    }
  }
  if (first == 123 || first == 91) return SYNTAX_JSON;
  if (first == 60 && syntax == SYNTAX_XML) return SYNTAX_XML;
  return SYNTAX_TEXT;
}
