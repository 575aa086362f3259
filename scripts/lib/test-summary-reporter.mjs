// node:test reporter that only counts: it writes one JSON line {passed, failed, skipped, todo,
// failures: [names]} to its destination, so scripts/test.mjs can print one closing line for every
// suite together.
export default async function* summaryReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0, failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    // Only leaf tests count; suites report their own pass/fail as well.
    if (data.details?.type === 'suite') continue;
    if (data.skip) counts.skipped++;
    else if (data.todo) counts.todo++;
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      counts.failures.push(`${data.file ?? ''} :: ${data.name}`);
    }
  }
  yield `${JSON.stringify(counts)}\n`;
}
