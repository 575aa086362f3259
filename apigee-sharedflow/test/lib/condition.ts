// Apigee flow conditions, the subset the bundle uses: `var = "string"`, `var = true|false|null`,
// `!=`, `and`, `or`, parentheses. Values compare as strings, as Apigee does for flow variables;
// an unset variable equals only `null`.
type Lookup = (name: string) => unknown;

const TOKEN = /\s*(\(|\)|!=|=|"[^"]*"|[A-Za-z_][\w.-]*)/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`condition: cannot read ${JSON.stringify(text.slice(TOKEN.lastIndex))}`);
    out.push(m[1]!);
  }
  return out;
}

export function evaluateCondition(text: string, lookup: Lookup): boolean {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  function expr(): boolean {
    let v = term();
    while (peek() === 'or') {
      next();
      const r = term();
      v = v || r;
    }
    return v;
  }
  function term(): boolean {
    let v = factor();
    while (peek() === 'and') {
      next();
      const r = factor();
      v = v && r;
    }
    return v;
  }
  function factor(): boolean {
    if (peek() === '(') {
      next();
      const v = expr();
      if (next() !== ')') throw new Error(`condition: missing ) in ${text}`);
      return v;
    }
    const name = next()!;
    const op = next();
    const raw = next()!;
    if (op !== '=' && op !== '!=') throw new Error(`condition: unsupported operator ${op} in ${text}`);
    const value = lookup(name);
    let equal: boolean;
    if (raw === 'null') equal = value === null || value === undefined;
    else {
      const literal = raw.startsWith('"') ? raw.slice(1, -1) : raw;
      equal = value !== null && value !== undefined && String(value) === literal;
    }
    return op === '=' ? equal : !equal;
  }
  const v = expr();
  if (i !== tokens.length) throw new Error(`condition: trailing tokens in ${text}`);
  return v;
}
