// The ES5 detection engine in real Rhino (what Apigee runs) over every shared detection vector,
// in one JVM. Rhino runs with -opt 0 here to keep the suite fast; the benchmark
// (scripts/bench/detect) also measures the interpreter (-opt -1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needCommand } from '../../lib/tools.ts';
import { builtinRuleSetJson } from './lib/es5-engine.ts';
import { compare, loadVectors, messageOf } from './lib/vectors.ts';
import { scanInRhino } from './lib/rhino.ts';

test('es5/rhino: every detection vector', { skip: needCommand('rhino'), timeout: 600_000 }, async () => {
  const vectors = loadVectors();
  const batch = scanInRhino(await builtinRuleSetJson(), vectors.map(messageOf), { opt: 0 });
  const failures: string[] = [];
  vectors.forEach((v, i) => {
    const got = batch.results[i];
    const problems = Array.isArray(got) ? compare(v, got) : [`error: ${got?.error}`];
    if (problems.length) failures.push(`${v.name}: ${problems.join('; ')}`);
  });
  assert.deepEqual(failures, []);
});

test('es5/rhino: a malformed rule set is refused with a stable message', { skip: needCommand('rhino') }, () => {
  const batch = scanInRhino({ automata: [{ byteClasses: 'AA==' }], detectors: [] }, [{ body: 'x' }], { opt: 0 });
  assert.match((batch.results[0] as { error: string }).error, /^palisade-detect: malformed rule set: automata\[0\]/);
});
