// The bundle as Apigee imports it: zip layout, every file ES5, XML and JS agreeing on policy
// names, resources and flow variables, deployment options applied, the docs complete.
// apigeelint runs in apigeelint.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { parse } from 'acorn';
import { builtinRulesJs, bundleFiles, bundleZip, customizeXml, DEFAULT_CONTROL_PLANE_URL, inspectionBudgetMs } from '../tools/bundle.ts';
import { PATHS, ROOT } from './lib/bundle-fixture.ts';
import { unzip } from './lib/unzip.ts';

const { files } = bundleFiles(PATHS);

function es5Errors(text: string): string | null {
  try {
    parse(text, { ecmaVersion: 5, sourceType: 'script' });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('bundle zip', () => {
  it('holds every bundle file under sharedflowbundle/, byte for byte', () => {
    const entries = unzip(bundleZip(PATHS).zip);
    for (const [rel, text] of files) assert.equal(entries.get(`sharedflowbundle/${rel}`)?.toString('utf8'), text, rel);
    const fileEntries = [...entries.keys()].filter((n) => !n.endsWith('/'));
    assert.equal(fileEntries.length, files.size);
    assert.ok(fileEntries.every((n) => n.startsWith('sharedflowbundle/')));
  });

  it('is reproducible: the same inputs give the same bytes', () => {
    assert.deepEqual(bundleZip(PATHS).zip, bundleZip(PATHS).zip);
  });
});

describe('ES5 only (Apigee runs Rhino 1.7.12 / 1.7.13)', () => {
  const jsc = [...files].filter(([rel]) => rel.startsWith('resources/jsc/'));
  // Built-ins Rhino 1.7.12 / 1.7.13 may lack in ES5 mode (notes/apigee.md §7): none without a polyfill of ours.
  const banned = new RegExp(
    [
      /\.(startsWith|endsWith|includes|padStart|padEnd|repeat|find|findIndex|findLast|codePointAt|normalize|fill|flat|flatMap|trimStart|trimEnd|at|copyWithin)\(/
        .source,
      /\b(Object\.(assign|entries|values|fromEntries|is|getOwnPropertySymbols)|Array\.(from|of)|String\.(raw|fromCodePoint))\b/.source,
      /\b(Number\.(isInteger|isNaN|isFinite|isSafeInteger|EPSILON|MAX_SAFE_INTEGER)|Math\.(trunc|sign|log2|log10|imul|clz32|fround|hypot|cbrt))\b/
        .source,
      /\b(Promise|Symbol|Map|Set|WeakMap|WeakSet|Proxy|Reflect|ArrayBuffer|DataView|(Ui|I)nt(8|16|32)Array|Float(32|64)Array)\b/.source,
    ].join('|'),
  );
  it('the built-in check catches post-ES5 built-ins (control)', () => {
    for (const code of ['s.includes("x")', 'Object.assign({}, a)', 'Array.from(a)', 'new Map()', 'Math.trunc(1.5)', 'a.at(-1)']) {
      assert.match(code, banned, code);
    }
    assert.doesNotMatch('Object.keys(o).forEach(f); s.trim(); Array.isArray(a); JSON.parse(t)', banned);
  });
  it('the parse check refuses post-ES5 syntax (control)', () => {
    for (const code of ['let a = 1;', 'const b = 2;', 'var f = () => 1;', 'var s = `x`;', 'class C {}']) {
      assert.notEqual(es5Errors(code), null, code);
    }
  });
  for (const [rel, text] of jsc) {
    it(`${rel} parses as ECMAScript 5`, () => assert.equal(es5Errors(text), null));
  }
  it('uses no post-ES5 built-ins', () => {
    for (const [rel, text] of jsc) {
      const own = text
        .split('\n')
        .filter((l) => !/^\s*\/\//.test(l))
        .join('\n')
        .replace(/Palisade\.text\.(startsWith|endsWith)/g, '');
      assert.doesNotMatch(own, banned, rel);
    }
  });
});

describe('XML and JavaScript agree', () => {
  const flow = files.get('sharedflows/default.xml') ?? '';
  const policyNames = [...files.keys()].filter((r) => r.startsWith('policies/')).map((r) => r.slice(9, -4));
  it('every step names a policy file and every policy is used', () => {
    const steps = [...flow.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(steps)].sort(), [...policyNames].sort());
  });
  it('every policy is named like its file', () => {
    for (const name of policyNames) assert.match(files.get(`policies/${name}.xml`) ?? '', new RegExp(`^<\\w+ name="${name}"`));
  });
  it('every jsc:// reference exists', () => {
    for (const [rel, text] of files) {
      for (const m of text.matchAll(/jsc:\/\/([\w.-]+)/g)) assert.ok(files.has(`resources/jsc/${m[1]}`), `${rel} → ${m[1]}`);
    }
  });
  it('every palisade.* flow variable in the XML is in the catalogue (src/apigee/variables.js)', () => {
    const sandbox: { Palisade?: { vars: Record<string, string> } } = {};
    vm.createContext(sandbox);
    vm.runInContext(readFileSync(join(PATHS.srcDir, 'apigee', 'variables.js'), 'utf8'), sandbox);
    const known = new Set(Object.values(sandbox.Palisade?.vars ?? {}));
    for (const [rel, text] of files) {
      if (!rel.endsWith('.xml')) continue;
      for (const m of text.matchAll(/(?:private\.)?palisade\.[a-z.]+[a-z]|palisadeRulesResponse/g)) {
        assert.ok(known.has(m[0]) || m[0] === 'palisade.rules.freshmarker', `${rel}: ${m[0]} is not declared in variables.js`);
      }
    }
  });
});

describe('docs/deploy-apigee.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'deploy-apigee.md'), 'utf8');
  it('lists every flow variable of the catalogue (src/apigee/variables.js)', () => {
    const sandbox: { Palisade?: { vars: Record<string, string> } } = {};
    vm.createContext(sandbox);
    vm.runInContext(readFileSync(join(PATHS.srcDir, 'apigee', 'variables.js'), 'utf8'), sandbox);
    const names = Object.values(sandbox.Palisade?.vars ?? {});
    assert.ok(names.length > 20);
    assert.deepEqual(
      names.filter((n) => !doc.includes(`\`${n}\``)),
      [],
    );
  });
  it('lists every policy property the JavaScript policies read (src/core/config.js)', () => {
    const config = readFileSync(join(PATHS.srcDir, 'core', 'config.js'), 'utf8');
    const defaults = /DEFAULTS = \{([^}]*)\}/.exec(config)?.[1] ?? '';
    const props = [...defaults.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]!);
    assert.ok(props.length >= 8);
    assert.deepEqual(
      props.filter((p) => !doc.includes(`| \`${p}\` |`)),
      [],
    );
  });
  it('lists every flag of scripts/deploy-apigee', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'deploy-apigee.ts'), 'utf8');
    const help = /const HELP = `([^`]*)`/.exec(script)?.[1] ?? '';
    const flags = [...new Set([...help.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!))];
    assert.ok(flags.length >= 10);
    assert.deepEqual(
      flags.filter((f) => !doc.includes(`\`${f}`)),
      [],
    );
  });
});

describe('deployment options', () => {
  const sc = files.get('policies/SC-FetchRules.xml') ?? '';
  const js = files.get('policies/JS-InspectRequest.xml') ?? '';
  it('points the ServiceCallout and the reports at the control plane', () => {
    const o = { controlPlaneUrl: 'https://cp.acme.internal:8443/' };
    assert.match(customizeXml(sc, o), /<URL>https:\/\/cp\.acme\.internal:8443\/v1\/rules<\/URL>/);
    assert.match(customizeXml(js, o), /"reportUrl">https:\/\/cp\.acme\.internal:8443\/v1\/reports</);
    assert.ok(!customizeXml(js, o).includes(DEFAULT_CONTROL_PLANE_URL));
  });
  it('fail-closed makes the inspection policy stop the flow when it dies', () => {
    assert.match(js, /continueOnError="true"/);
    const closed = customizeXml(js, { failureMode: 'closed' });
    assert.match(closed, /^<Javascript name="JS-InspectRequest"[^>]*continueOnError="false"/m);
    assert.match(closed, /"failureMode">closed</);
    assert.match(customizeXml(files.get('policies/JS-AcceptRules.xml') ?? '', { failureMode: 'closed' }), /continueOnError="true"/);
  });
  it('sets the gateway id, time limit and budget, and Edge cache syntax', () => {
    const c = customizeXml(js, { gatewayId: 'edge-eu-1', timeLimitMs: 400 });
    assert.match(c, /timeLimit="400"/);
    // JS-AcceptRules does the rule-set work once per refresh and keeps its own limit.
    const accept = files.get('policies/JS-AcceptRules.xml') ?? '';
    assert.match(customizeXml(accept, { timeLimitMs: 150 }), /^<Javascript name="JS-AcceptRules" timeLimit="2000"/m);
    assert.match(c, /"timeBudgetMs">300</);
    // At least 100 ms of headroom: at 250 ms (shipped) the budget is 150, not 187.
    assert.match(customizeXml(js, { timeLimitMs: 250 }), /"timeBudgetMs">150</);
    assert.match(c, /"gatewayId">edge-eu-1</);
    const pc = files.get('policies/PC-RulesFresh.xml') ?? '';
    assert.match(customizeXml(pc, { flavor: 'edge' }), /<TimeoutInSec ref="palisade\.rules\.fresh\.ttl">60<\/TimeoutInSec>/);
  });
  it('ships each inspection policy with the budget its timeLimit gives', () => {
    for (const name of ['JS-InspectRequest', 'JS-InspectResponse', 'JS-ReportLimited']) {
      const xml = files.get(`policies/${name}.xml`) ?? '';
      const limit = Number(/timeLimit="(\d+)"/.exec(xml)?.[1]);
      const budget = Number(/"timeBudgetMs">(\d+)</.exec(xml)?.[1]);
      assert.equal(budget, inspectionBudgetMs(limit), name);
    }
  });
  it('refuses bad options, naming the option', () => {
    assert.throws(() => bundleZip(PATHS, { controlPlaneUrl: 'ftp://x' }), /controlPlaneUrl/);
    assert.throws(() => bundleZip(PATHS, { gatewayId: 'a b' }), /gatewayId/);
    assert.throws(() => bundleZip(PATHS, { timeLimitMs: 0 }), /timeLimitMs/);
    assert.throws(() => bundleZip(PATHS, { timeLimitMs: 149 }), /timeLimitMs: at least 150/);
  });
});

describe('embedded built-in rules', () => {
  it('round-trips through chunked ES5 string literals, U+2028 included', () => {
    const rules = { version: '0', detectors: [{ id: 'x', name: 'a\u2028b' }], big: 'y'.repeat(40000) };
    const js = builtinRulesJs(JSON.stringify(rules));
    assert.equal(es5Errors(js), null);
    const sandbox: { PalisadeBuiltinRules?: () => unknown } = {};
    vm.createContext(sandbox);
    vm.runInContext(js, sandbox);
    assert.deepEqual(JSON.parse(JSON.stringify(sandbox.PalisadeBuiltinRules?.())), rules);
    assert.ok((js.match(/^\s{4}"/gm) ?? []).length >= 3, 'split into chunks');
  });
  it('refuses to embed JSON that would not parse at run time', () => {
    assert.throws(() => builtinRulesJs('{"version":'));
  });
});
