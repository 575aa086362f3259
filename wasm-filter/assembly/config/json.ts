// A small JSON parser for the plugin configuration (read once per on_configure, so clarity wins
// over speed). Bounded: nesting deeper than MAX_DEPTH or malformed input returns null with a
// reason in `jsonError`, never a trap.

// @ts-ignore: decorator
@inline const MAX_DEPTH: i32 = 32;

export namespace JsonKind {
  export const Null: u8 = 0;
  export const Bool: u8 = 1;
  export const Number: u8 = 2;
  export const String: u8 = 3;
  export const Array: u8 = 4;
  export const Object: u8 = 5;
}

export class JsonValue {
  kind: u8 = JsonKind.Null;
  bool: bool = false;
  num: f64 = 0;
  str: string = "";
  items: Array<JsonValue> = [];
  keys: Array<string> = [];

  get(key: string): JsonValue | null {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i];
    return null;
  }
}

export let jsonError = "";

class Parser {
  pos: i32 = 0;
  failed: bool = false;
  constructor(public s: string) {}

  fail(msg: string): JsonValue {
    if (!this.failed) {
      this.failed = true;
      jsonError = msg + " at offset " + this.pos.toString();
    }
    return new JsonValue();
  }

  ws(): void {
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.pos++;
    }
  }

  value(depth: i32): JsonValue {
    if (depth > MAX_DEPTH) return this.fail("nesting too deep");
    this.ws();
    if (this.pos >= this.s.length) return this.fail("unexpected end");
    const c = this.s.charCodeAt(this.pos);
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) {
      const v = new JsonValue();
      v.kind = JsonKind.String;
      v.str = this.string();
      return v;
    }
    if (this.s.startsWith("true", this.pos)) return this.literal(4, JsonKind.Bool, true);
    if (this.s.startsWith("false", this.pos)) return this.literal(5, JsonKind.Bool, false);
    if (this.s.startsWith("null", this.pos)) return this.literal(4, JsonKind.Null, false);
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail("unexpected character");
  }

  literal(len: i32, kind: u8, b: bool): JsonValue {
    this.pos += len;
    const v = new JsonValue();
    v.kind = kind;
    v.bool = b;
    return v;
  }

  number(): JsonValue {
    const start = this.pos;
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if ((c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x2b || c == 0x2e || c == 0x65 || c == 0x45) this.pos++;
      else break;
    }
    const v = new JsonValue();
    v.kind = JsonKind.Number;
    v.num = parseFloat(this.s.substring(start, this.pos));
    if (isNaN(v.num)) return this.fail("malformed number");
    return v;
  }

  string(): string {
    this.pos++; // opening quote
    let out = "";
    let start = this.pos;
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c == 0x22) {
        out += this.s.substring(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) {
        this.fail("control character in string");
        return "";
      }
      if (c == 0x5c) {
        out += this.s.substring(start, this.pos);
        this.pos++;
        if (this.pos >= this.s.length) break;
        const e = this.s.charCodeAt(this.pos);
        if (e == 0x6e) out += "\n";
        else if (e == 0x74) out += "\t";
        else if (e == 0x72) out += "\r";
        else if (e == 0x62) out += "\b";
        else if (e == 0x66) out += "\f";
        else if (e == 0x75) {
          if (this.pos + 4 >= this.s.length) break;
          const code = I32.parseInt(this.s.substring(this.pos + 1, this.pos + 5), 16);
          out += String.fromCharCode(code);
          this.pos += 4;
        } else out += String.fromCharCode(e);
        this.pos++;
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    this.fail("unterminated string");
    return "";
  }

  array(depth: i32): JsonValue {
    this.pos++;
    const v = new JsonValue();
    v.kind = JsonKind.Array;
    this.ws();
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) == 0x5d) {
      this.pos++;
      return v;
    }
    while (!this.failed) {
      v.items.push(this.value(depth + 1));
      this.ws();
      if (this.pos >= this.s.length) return this.fail("unterminated array");
      const c = this.s.charCodeAt(this.pos++);
      if (c == 0x5d) return v;
      if (c != 0x2c) return this.fail("expected , or ]");
    }
    return v;
  }

  object(depth: i32): JsonValue {
    this.pos++;
    const v = new JsonValue();
    v.kind = JsonKind.Object;
    this.ws();
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) == 0x7d) {
      this.pos++;
      return v;
    }
    while (!this.failed) {
      this.ws();
      if (this.pos >= this.s.length || this.s.charCodeAt(this.pos) != 0x22) return this.fail("expected a key");
      const key = this.string();
      this.ws();
      if (this.pos >= this.s.length || this.s.charCodeAt(this.pos) != 0x3a) return this.fail("expected :");
      this.pos++;
      const item = this.value(depth + 1);
      v.keys.push(key);
      v.items.push(item);
      this.ws();
      if (this.pos >= this.s.length) return this.fail("unterminated object");
      const c = this.s.charCodeAt(this.pos++);
      if (c == 0x7d) return v;
      if (c != 0x2c) return this.fail("expected , or }");
    }
    return v;
  }
}

/** Parses a whole document; null (and `jsonError`) on any syntax error or trailing garbage. */
export function parseJson(text: string): JsonValue | null {
  jsonError = "";
  const p = new Parser(text);
  const v = p.value(0);
  p.ws();
  if (!p.failed && p.pos != text.length) p.fail("trailing characters");
  return p.failed ? null : v;
}
