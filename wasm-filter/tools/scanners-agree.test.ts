// The two scanners are one algorithm (docs/detectors.md): for the same RuleSet and bytes the built
// palisade.wasm and the ES5 scanner must report the same findings in every field a finding has —
// type, field, offsets, path, confidence and masked preview — not only the (type, field, span)
// the shared vectors check. Compared on every shared vector, on the labelled corpus, with custom
// detectors, and on bad input (huge, truncated, binary, invalid UTF-8), which must never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetectorSourceInput } from '../../control-plane/detect/detector-source.ts';
import { decodeSparseRows } from '../../control-plane/detect/sparse-rows.ts';
import { loadCorpus } from '../../scripts/eval-detect.ts';
import { loadEs5Engine, type Finding } from '../../test/unit/detect/lib/es5-engine.ts';
import { loadVectors, messageOf } from '../../test/unit/detect/lib/vectors.ts';
import { builtinRuleSetObject, canonicalRuleSetJson, encodeRuleSetObject, withCustomDetectors } from './scan-rules.ts';
import { RulesRefusedError, WasmScanner } from './wasm-scanner.ts';

type AnyFinding = Pick<Finding, 'type' | 'field' | 'start' | 'end' | 'path' | 'confidence' | 'masked'>;
interface Message {
  headers?: Record<string, string>;
  query?: string;
  body?: string;
  bodyBytes?: number[];
  contentType?: string;
}
type Limits = { maxBodyBytes?: number; maxFindings?: number; minConfidence?: number };

const line = (f: AnyFinding) => `${f.type} ${f.field} [${f.start},${f.end}) path=${f.path ?? '-'} conf=${f.confidence} masked=${f.masked}`;

const es5 = loadEs5Engine();
const wasm = await WasmScanner.load();
const builtin = builtinRuleSetObject();
const builtinBytes = encodeRuleSetObject(builtin);
const builtinJson = canonicalRuleSetJson(builtin);

function wasmScan(m: Message, limits: Limits = {}): { truncated: boolean; lines: string[] } {
  if (m.bodyBytes) {
    // Raw bytes (binary, invalid UTF-8) go in untouched; headers and query are not used with them.
    const r = wasm.scanBodyBytes(m.contentType ?? '', Uint8Array.from(m.bodyBytes), limits);
    return { truncated: r.truncated, lines: r.findings.map(line) };
  }
  const r = wasm.scan({ headers: m.headers, query: m.query, body: m.body, contentType: m.contentType }, limits);
  return { truncated: r.truncated, lines: r.findings.map(line) };
}

function es5Scan(ruleSet: unknown, m: Message, limits: Limits = {}): string[] {
  // Array.from: the engine runs in its own vm realm, whose arrays deepEqual would tell apart.
  return Array.from(es5.scanMessage(ruleSet, m, limits), line);
}

function assertAgree(m: Message, ruleSet: unknown = builtinJson, limits: Limits = {}): string[] {
  const w = wasmScan(m, limits).lines;
  assert.deepEqual(w, es5Scan(ruleSet, m, limits));
  return w;
}

test('wasm and ES5 report identical findings on every shared vector', () => {
  wasm.loadRules(builtinBytes);
  const vectors = loadVectors();
  assert.ok(vectors.length >= 260, `only ${vectors.length} vectors`);
  let findings = 0;
  for (const v of vectors) {
    const m = messageOf(v) as Message;
    const w = wasmScan(m).lines;
    assert.deepEqual(w, es5Scan(builtinJson, m), `vector ${v.name}`);
    findings += w.length;
  }
  assert.ok(findings > 150, `only ${findings} findings compared`);
});

test('wasm and ES5 report identical findings on the labelled corpus', () => {
  wasm.loadRules(builtinBytes);
  const corpus = loadCorpus();
  let findings = 0;
  for (const c of corpus) {
    const w = wasmScan(c.input).lines;
    assert.deepEqual(w, es5Scan(builtinJson, c.input), `corpus message ${c.id}`);
    findings += w.length;
  }
  assert.ok(findings >= 1000, `only ${findings} findings compared`);
});

const CUSTOM: DetectorSourceInput[] = [
  {
    id: 'employee_id',
    pattern: 'EMP-[0-9]{6}',
    category: 'DATA_CATEGORY_PII',
    severity: 'SEVERITY_MEDIUM',
    mask: 'MASK_STYLE_KEEP_LAST4',
    baseConfidence: 70,
    context: { keys: ['employee'], positiveKeywords: ['staff'], negativeKeywords: ['example'], distance: 24, boost: 20, penalty: 40 },
  },
  {
    id: 'device_tag',
    pattern: 'IMEI:[0-9]{15}',
    category: 'DATA_CATEGORY_CPNI',
    severity: 'SEVERITY_HIGH',
    validator: 'VALIDATOR_IMEI',
    mask: 'MASK_STYLE_KEEP_LAST4',
    // As sure as the built-in imei (100 with its keyword), and longer: wins the overlap (§7).
    baseConfidence: 100,
    minConfidence: 50,
  },
  {
    id: 'ticket_ref',
    pattern: 'tkt_[a-z0-9]{10}',
    flags: 'i',
    category: 'DATA_CATEGORY_PII',
    severity: 'SEVERITY_LOW',
    mask: 'MASK_STYLE_KEEP_PREFIX',
    baseConfidence: 40,
    minConfidence: 30,
    context: { keys: [], positiveKeywords: ['ticket'], negativeKeywords: [], distance: 16, boost: 30, penalty: 0, requireContext: true },
  },
];

test('wasm and ES5 agree with custom detectors (keys, keywords, require-context, case-insensitive)', () => {
  const ruleSet = withCustomDetectors(builtin, CUSTOM);
  wasm.loadRules(encodeRuleSetObject(ruleSet));
  const json = canonicalRuleSetJson(ruleSet);
  const messages: Message[] = [
    { body: '{"employee":"EMP-123456","note":"staff EMP-654321 example EMP-111111"}', contentType: 'application/json' },
    { body: 'ticket TKT_AB12CD34EF and tkt_zz99zz99zz without the word', contentType: 'text/plain' },
    { query: 'employee_no=EMP-000042&ref=tkt_0123456789', headers: { 'x-staff': 'EMP-999999' } },
    { body: 'tags IMEI:490154203237518 IMEI:490154203237519', contentType: 'text/plain' },
  ];
  const found = messages.map((m) => assertAgree(m, json));
  assert.ok(
    found[0]!.some((l) => l.startsWith('employee_id body [13,23) path=$.employee conf=90')),
    found[0]!.join('\n'),
  );
  assert.ok(
    found[0]!.some((l) => l.startsWith('employee_id body [39,49) path=$.note conf=90')),
    'a positive keyword before the value raises confidence',
  );
  assert.ok(!found[0]!.some((l) => l.includes('[58,68)')), 'a negative keyword (example) drops it below the minimum');
  assert.deepEqual(
    found[1]!.map((l) => l.split(' path')[0]),
    ['ticket_ref body [7,21)'],
    'require-context: only the match after "ticket" is reported',
  );
  assert.ok(
    found[3]!.some((l) => l.startsWith('device_tag body [5,25)')),
    found[3]!.join('; '),
  );
  assert.ok(!found[3]!.some((l) => l.includes('[26,46)')), 'the validator (Luhn) drops the second tag');
  wasm.loadRules(builtinBytes);
});

test('require-context keywords are found at every byte offset and parity (the gate reads every other pair)', () => {
  // The context gate samples two-byte pairs at even offsets when every keyword has >= 3 bytes
  // (context-gate.ts): a keyword at an odd or even offset, at the field's start or right before its
  // end, must still give context. us_ssn (undashed) and us_passport need their keyword.
  wasm.loadRules(builtinBytes);
  for (let pad = 0; pad < 6; pad++) {
    const lead = '.'.repeat(pad);
    for (const [word, value, type] of [
      ['ssn', '536225492', 'us_ssn'],
      ['SSN', '536225492', 'us_ssn'],
      ['passport', 'C03005988', 'us_passport'],
    ] as const) {
      const text = assertAgree({ body: `${lead}${word} ${value}`, contentType: 'text/plain' });
      assert.ok(
        text.some((l) => l.startsWith(`${type} body [${pad + word.length + 1},`)),
        `${word} after ${pad} bytes: ${text.join('; ')}`,
      );
      const json = assertAgree({ body: `{"${lead}":"${word}","v":"${value}"}`, contentType: 'application/json' });
      assert.ok(
        json.some((l) => l.startsWith(`${type} body`)),
        `${word} in a JSON value after ${pad} bytes: ${json.join('; ')}`,
      );
      assert.deepEqual(
        assertAgree({ body: `${lead}${word.slice(0, 2)} ${value}`, contentType: 'text/plain' }).filter((l) => l.startsWith(type)),
        [],
      );
    }
  }
  // A two-byte keyword: the gate reads every pair.
  const short: DetectorSourceInput = {
    id: 'badge_no',
    pattern: 'B[0-9]{7}',
    context: { positiveKeywords: ['id'], distance: 8, requireContext: true },
  };
  const ruleSet = withCustomDetectors(builtin, [short]);
  wasm.loadRules(encodeRuleSetObject(ruleSet));
  const json = canonicalRuleSetJson(ruleSet);
  for (let pad = 0; pad < 4; pad++) {
    const lines = assertAgree({ body: `${'.'.repeat(pad)}id B1234567 and B7654321`, contentType: 'text/plain' }, json);
    assert.deepEqual(
      lines.filter((l) => l.startsWith('badge_no')).map((l) => l.split(' path')[0]),
      [`badge_no body [${pad + 3},${pad + 11})`],
    );
  }
  wasm.loadRules(builtinBytes);
});

test("a value exactly as long as a detector's shortest match over its few byte kinds is still scanned (the prefilter's per-subset lengths)", () => {
  // search-prefilter.ts skips a detector in a segment shorter than its shortest match over the
  // features the segment has: each value below is that shortest match (digits and one separator,
  // an upper-case letter and digits), so a length claimed one byte too long would lose it.
  wasm.loadRules(builtinBytes);
  for (const [key, value, type] of [
    ['dob', '1.1.2000', 'date_of_birth'],
    ['dob', '1/1/2000', 'date_of_birth'],
    ['birth', '1-1-1990', 'date_of_birth'],
    ['dl', 'A1234', 'us_drivers_license'],
    ['dl', '1234567', 'us_drivers_license'],
    ['passport', 'C03005988', 'us_passport'],
    ['ip', '1.1.1.1', 'ipv4'],
    ['ssn', '536225492', 'us_ssn'],
  ] as const) {
    const body = JSON.stringify({ [key]: value });
    const lines = assertAgree({ body, contentType: 'application/json' });
    const start = body.indexOf(value);
    assert.ok(
      lines.some((l) => l.startsWith(`${type} body [${start},${start + value.length})`)),
      `${key}: ${value}: ${lines.join('; ')}`,
    );
  }
});

/** A small deterministic byte generator (xorshift) for binary bodies. */
function noise(n: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push((x >>> 0) & 0xff);
  }
  return out;
}

test('bad input: huge bodies are scanned up to the limit, flagged truncated, without error', () => {
  wasm.loadRules(builtinBytes);
  const filler = 'x'.repeat(200 * 1024);
  const body = `card 4111111111111111 ${filler} late card 5555555555554444`;
  const limits = { maxBodyBytes: 64 * 1024 };
  const w = wasmScan({ body, contentType: 'text/plain' }, limits);
  assert.equal(w.truncated, true);
  assert.deepEqual(
    w.lines.map((l) => l.split(' path')[0]),
    ['credit_card body [5,21)'],
  );
  assertAgree({ body, contentType: 'text/plain' }, builtinJson, limits);
  // A 3 MiB JSON body with the default limits (RuleSet settings): no error, same findings.
  const big = JSON.stringify({ items: Array.from({ length: 40_000 }, (_, i) => ({ id: i, sku: `SKU-${i}`, note: 'café' })) });
  assert.ok(big.length > 1_000_000);
  assertAgree({ body: big, contentType: 'application/json' });
});

test('many findings in one field: overlaps and ordering at scale agree', () => {
  wasm.loadRules(builtinBytes);
  const limits = { maxFindings: 100_000, maxBodyBytes: 4 << 20 };
  // 15-digit Amex numbers that are also valid IMEIs (Luhn): every one is an overlap to resolve.
  const unit = 'imei 378282246310005 card 4111111111111111 ssn 536-22-5492 ip 10.1.2.3 tel +44 20 7946 0958\n';
  const text = unit.repeat(600);
  const lines = assertAgree({ body: text, contentType: 'text/plain' }, builtinJson, limits);
  assert.ok(lines.length >= 2_400, `only ${lines.length} findings`);
  const json = JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ id: i, note: unit, card: '5555555555554444' })));
  assert.ok(assertAgree({ body: json, contentType: 'application/json' }, builtinJson, limits).length >= 1_500);
});

test('bad input: truncated JSON, XML and CSV bodies still report what they hold', () => {
  wasm.loadRules(builtinBytes);
  const cases: Message[] = [
    { body: '{"card":"4111111111111111","nested":{"ssn":"536-22-5492', contentType: 'application/json' },
    { body: '{"a":[{"b":{"email":"jo@example.com"', contentType: 'application/json' },
    { body: '<order><card>4111111111111111</card><note><![CDATA[ssn 536-22-', contentType: 'application/xml' },
    { body: 'name,card\nJo,"4111111111111111', contentType: 'text/csv' },
    { body: 'card=4111111111111111&email=jo%40exa', contentType: 'application/x-www-form-urlencoded' },
    { body: '{"k":"\\u00', contentType: 'application/json' },
  ];
  for (const m of cases) {
    const lines = assertAgree(m);
    if (m.body!.includes('4111111111111111'))
      assert.ok(
        lines.some((l) => l.startsWith('credit_card')),
        `${m.body}: ${lines.join('; ')}`,
      );
  }
});

test('bad input: binary and invalid UTF-8 bodies are scanned byte by byte, offsets stay byte offsets', () => {
  wasm.loadRules(builtinBytes);
  for (const ct of ['application/octet-stream', 'application/json', 'application/xml', 'text/csv', 'application/x-www-form-urlencoded']) {
    assertAgree({ bodyBytes: noise(64 * 1024, 7), contentType: ct });
  }
  // Invalid UTF-8 (lone continuation bytes, a truncated 3-byte sequence, 0xFF) before a card.
  const prefix = [0x80, 0xbf, 0xe2, 0x82, 0xff, 0x20];
  const bytes = [...prefix, ...Buffer.from('card 4111111111111111 end')];
  const lines = assertAgree({ bodyBytes: bytes, contentType: 'text/plain' });
  assert.ok(
    lines.some((l) => l.startsWith(`credit_card body [${prefix.length + 5},${prefix.length + 21})`)),
    lines.join('; '),
  );
  // NUL bytes and invalid UTF-8 inside a JSON string and its key.
  const json = [...Buffer.from('{"c\xffard":"'), 0x00, ...Buffer.from('4111111111111111"}')];
  assertAgree({ bodyBytes: json, contentType: 'application/json' });
});

test('a malformed RuleSet is refused and the previous one stays in force', () => {
  wasm.loadRules(builtinBytes);
  const probe: Message = { body: 'card 4111111111111111', contentType: 'text/plain' };
  const before = wasmScan(probe).lines;
  assert.equal(before.length, 1);
  const broken: Array<[string, Uint8Array]> = [
    ['cut in half', builtinBytes.slice(0, builtinBytes.length >> 1)],
    ['random bytes', Uint8Array.from(noise(4096, 99))],
  ];
  // A transition to a state that does not exist (docs/detectors.md §1), in the dense form, and a
  // compact (sparse_transitions) table with a trailing byte or a row based before state 0.
  type Table = { transitions: Uint8Array; sparseTransitions: Uint8Array; stateCount: number; classCount: number; entryBytes: number };
  const corrupt = (edit: (a: Table) => void): Record<string, unknown> => {
    const copy = structuredClone(builtin) as { automata: Table[] };
    edit(copy.automata[0]!);
    return copy as unknown as Record<string, unknown>;
  };
  const variants: Array<[string, Record<string, unknown>]> = [
    [
      'next state out of range',
      corrupt((a) => {
        const dense = decodeSparseRows(a.sparseTransitions, a.stateCount, a.classCount);
        dense[dense.length - 1] = a.stateCount + 5;
        a.transitions = new Uint8Array(Uint16Array.from(dense).buffer);
        a.sparseTransitions = new Uint8Array(0);
        a.entryBytes = 2;
      }),
    ],
    ['sparse table with a trailing byte', corrupt((a) => (a.sparseTransitions = Uint8Array.from([...a.sparseTransitions, 0])))],
    ['sparse row based before state 0', corrupt((a) => (a.sparseTransitions = Uint8Array.from([1, ...a.sparseTransitions.subarray(1)])))],
  ];
  for (const [what, ruleSet] of variants) broken.push([what, encodeRuleSetObject(ruleSet)]);
  for (const [what, bytes] of broken) {
    assert.throws(() => wasm.loadRules(bytes), RulesRefusedError, what);
    assert.deepEqual(wasmScan(probe).lines, before, `after ${what}`);
  }
  // The ES5 scanner refuses the same broken tables with an error (the policy keeps its previous set).
  for (const [what, ruleSet] of variants)
    assert.throws(() => es5.scanMessage(canonicalRuleSetJson(ruleSet), probe, {}), /malformed rule set/, what);
});
