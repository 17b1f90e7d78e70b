// Sums the JSON reports Vitest wrote in every package (test-results/vitest.json) into the one
// closing line CI reads: `N passed, M failed` (and `, K skipped` when there are any).
// Exits 1 when a test failed, when a suite failed to load, or when no report exists at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
const broken = [];

for (const group of ['apps', 'packages']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'test-results', 'vitest.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    reports += 1;
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A file that failed to load counts no test but is a failure all the same.
    for (const suite of report.testResults ?? []) {
      if (suite.status === 'failed' && (suite.assertionResults ?? []).every((a) => a.status !== 'failed')) {
        broken.push(`${group}/${name}: ${suite.name}: ${(suite.message ?? '').split('\n')[0]}`);
        failed += 1;
      }
    }
  }
}

for (const line of broken) console.log(`suite failed to run: ${line}`);
if (reports === 0) console.log('no test report found (test-results/vitest.json)');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || reports === 0 || passed === 0 ? 1 : 0);
