// Where a scanned value comes from (proto FieldKind numbers, common.proto) and how a body is
// structured (decides which decoder runs and whether a JSON path / parameter name is tracked).

export const FIELD_PATH: i32 = 1;
export const FIELD_QUERY: i32 = 2;
export const FIELD_HEADER: i32 = 3;
export const FIELD_BODY: i32 = 4;
export const FIELD_COOKIE: i32 = 5;

/** Body modes (docs/detectors.md §2): which walker cuts the body into segments. */
/** Plain text, or anything not recognised: one raw segment. */
export const SYNTAX_TEXT: i32 = 0;
/** JSON (and NDJSON): string values are unescaped, keys and paths tracked. */
export const SYNTAX_JSON: i32 = 1;
/** application/x-www-form-urlencoded: percent-decoding and `+`, parameter names tracked. */
export const SYNTAX_FORM: i32 = 2;
/** XML: character and predefined entity references decoded, element names tracked. */
export const SYNTAX_XML: i32 = 3;
/** CSV: cells unquoted, column names from the header record as keys and paths. */
export const SYNTAX_CSV: i32 = 4;

// What the content type allows, as bits: the mode also depends on the body's first byte, and one
// content type may allow several modes (`application/soap+xml; x=json` allows JSON and XML).
@inline const CT_FORM: i32 = 1;
@inline const CT_JSON: i32 = 2;
@inline const CT_XML: i32 = 4;
@inline const CT_CSV: i32 = 8;

/**
 * What the content type says about a body (parameters included, ASCII case-insensitive), as an
 * opaque hint for Scanner.scanBody: form, JSON (also when the content type is empty), XML, CSV.
 * The scanner settles the mode with the body's first byte (bodyMode).
 */
export function bodySyntax(contentType: string): i32 {
  const ct = contentType.toLowerCase();
  let hint = 0;
  if (ct.includes("x-www-form-urlencoded")) hint |= CT_FORM;
  if (ct.length == 0 || ct.includes("json")) hint |= CT_JSON;
  if (ct.includes("xml")) hint |= CT_XML;
  if (ct.includes("csv")) hint |= CT_CSV;
  return hint;
}

/**
 * The body mode of docs/detectors.md §2, first rule that applies (`first` = the first byte that
 * is not space, tab, CR or LF): form by content type; JSON when the content type is empty or
 * names JSON and `first` is `{` or `[` (a text/plain body starting with `[` stays text); XML by
 * content type when `first` is `<`; CSV by content type; otherwise TEXT.
 */
export function bodyMode(hint: i32, ptr: usize, len: usize): i32 {
  if (hint & CT_FORM) return SYNTAX_FORM;
  let first: u32 = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (c != 32 && c != 9 && c != 13 && c != 10) {
      first = c;
      break;
    }
  }
  if (hint & CT_JSON && (first == 123 || first == 91)) return SYNTAX_JSON;
  if (hint & CT_XML && first == 60) return SYNTAX_XML;
  if (hint & CT_CSV) return SYNTAX_CSV;
  return SYNTAX_TEXT;
}
