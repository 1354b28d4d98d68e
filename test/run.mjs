// Runs the uvu suites (unit, then e2e) and ends with the one line CI reads: `N passed, N failed`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

// `node test/run.mjs e2e pods` runs test/e2e/pods.test.ts only.
// stress: property-based fuzzing of the handlers and the socket (test/stress), bounded to a minute or two.
const suites = process.argv[2] ? [process.argv[2]] : ['unit', 'stress', 'e2e'];
const only = process.argv[3] ? `^${process.argv[3]}` : '';
let passed = 0;
let failed = 0;
const flock = ['/usr/bin/flock', '/bin/flock'].find((p) => existsSync(p));

for (const suite of suites) {
  const output = await new Promise((resolve) => {
    const args = ['--import', 'tsx', 'node_modules/uvu/bin.js', `test/${suite}`, `${only}\\.test\\.ts$`];
    // Docker names (`<ns>-<pod>`, `k2d-<ns>`) are global to the engine: e2e runs from several checkouts
    // on one machine take turns instead of fighting over them.
    const [cmd, argv] = suite === 'e2e' && flock ? [flock, ['/tmp/k2d-e2e.lock', process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(cmd, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      text += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ text, code }));
  });
  const plain = output.text.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    // The suite crashed before uvu could report: count it as one failure so CI cannot go green.
    console.error(`suite ${suite} did not report (exit ${output.code})`);
    failed += 1;
    continue;
  }
  passed += ok;
  failed += total - ok - skipped;
  if (output.code !== 0 && total - ok - skipped === 0) failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
