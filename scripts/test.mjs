#!/usr/bin/env node
// The project's test runner (npm test). Usage:
//   node scripts/test.mjs [unit] [integration] [vscode] [ui] [electron] [--skip-checks] [--services=s3,postgres,mariadb]
// Builds (esbuild), type-checks (tsc), lints (eslint), finds unused exports, checks the formatting (prettier), compiles the tests into out/, then runs the levels in the
// order unit → integration → vscode → ui (all four when none is named; `electron` only when asked). Each level runs
// in its own process with a time limit; the last line is always `xcom-lens: N passed, M failed` (read by CI):
// N counts passing tests, M failing tests plus failed checks and levels that crashed, timed out or ran nothing.
// The exit code is non-zero when a check or a test failed, or when a level ran no test.
//   --skip-checks   skip tsc and eslint (quicker local iterations; CI never passes it)
//   --services=...  servers started for the vscode level (default: $XCOM_LENS_VSCODE_SERVICES or s3,postgres,mariadb)
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const bin = (path) => join(root, 'node_modules', path);

/** Level name → the compiled entry run with Node, and its time limit. */
const levels = {
  unit: { args: ['out/test/harness/runLevel.js', 'unit'], timeoutMs: 3 * 60_000 },
  integration: { args: ['out/test/harness/runLevel.js', 'integration'], timeoutMs: 12 * 60_000 },
  vscode: { args: ['out/test/harness/codeServerLauncher.js'], timeoutMs: 7 * 60_000, needsBuild: true },
  ui: { args: ['out/test/harness/runLevel.js', 'ui'], timeoutMs: 12 * 60_000, needsBuild: true },
  electron: { args: ['out/test/harness/electronLauncher.js'], timeoutMs: 10 * 60_000, needsBuild: true },
};
const defaultLevels = ['unit', 'integration', 'vscode', 'ui'];

const argv = process.argv.slice(2);
const skipChecks = argv.includes('--skip-checks');
const servicesArg = argv.find((a) => a.startsWith('--services='))?.slice('--services='.length);
const services = servicesArg ?? process.env.XCOM_LENS_VSCODE_SERVICES ?? 's3,postgres,mariadb';
const unknownFlags = argv.filter((a) => a.startsWith('-') && a !== '--skip-checks' && !a.startsWith('--services='));
const asked = argv.filter((a) => !a.startsWith('-'));
const unknownLevels = asked.filter((a) => !(a in levels));
if (unknownFlags.length || unknownLevels.length) {
  console.error(`unknown ${[...unknownFlags, ...unknownLevels].join(', ')}; levels: ${Object.keys(levels).join(', ')}`);
  process.exit(2);
}
const chosen = Object.keys(levels).filter((name) =>
  asked.length ? asked.includes(name) : defaultLevels.includes(name),
);

const color = process.stdout.isTTY && !process.env.CI && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const heading = (text) => console.log(`\n${paint('1;36', `━━ ${text}`)}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs Node with `args` in the repo, output inherited, in its own process group killed after `timeoutMs`. */
function runNode(args, { timeoutMs, env = {} }) {
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, ...env } });
    let timedOut = false;
    const kill = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(paint('31', `✘ timed out after ${seconds(timeoutMs)}: node ${args.join(' ')}`));
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    const onSignal = () => kill('SIGTERM');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      resolve({ code: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

/** The code prettier keeps in the house style (`npm run format` rewrites it). */
const formatted = [
  'src/**/*.ts',
  'webview/**/*.{ts,css}',
  'test/**/*.ts',
  'bench/**/*.mjs',
  'scripts/**/*.mjs',
  '*.mjs',
];

const checks = [
  { name: 'build', args: [join(root, 'esbuild.mjs')] },
  { name: 'typecheck', args: [bin('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], skippable: true },
  {
    name: 'typecheck webview',
    args: [bin('typescript/bin/tsc'), '-p', 'webview/tsconfig.json', '--noEmit'],
    skippable: true,
  },
  { name: 'lint', args: [bin('eslint/bin/eslint.js'), '.'], skippable: true },
  {
    name: 'unused exports',
    args: [
      bin('ts-unused-exports/bin/ts-unused-exports'),
      'scripts/tsconfig.exports.json',
      '--allowUnusedTypes',
      '--excludePathsFromReport=test/;bench/;src/extension.ts',
    ],
    skippable: true,
  },
  {
    name: 'format',
    args: [bin('prettier/bin/prettier.cjs'), '--check', '--log-level=warn', ...formatted],
    skippable: true,
  },
  { name: 'compile tests', args: [join(root, 'esbuild.mjs'), '--tests'], fatal: true },
];

const rows = [];
let passed = 0;
let failed = 0;
const started = Date.now();

for (const check of checks) {
  if (check.skippable && skipChecks) continue;
  heading(check.name);
  const t0 = Date.now();
  const { code } = await runNode(check.args, { timeoutMs: 5 * 60_000 });
  const ok = code === 0;
  rows.push({
    name: check.name,
    passed: ok ? 1 : 0,
    failed: ok ? 0 : 1,
    pending: 0,
    ms: Date.now() - t0,
    note: ok ? 'ok' : `exit ${code}`,
  });
  if (ok) {
    console.log(paint('32', `✔ ${check.name} (${seconds(Date.now() - t0)})`));
    continue;
  }
  failed++;
  console.log(paint('31', `✘ ${check.name} failed (exit ${code})`));
  if (check.fatal) break;
}

const resultsDir = mkdtempSync(join(tmpdir(), 'xcom-lens-results-'));
if (!rows.some((r) => r.failed && checks.find((c) => c.name === r.name)?.fatal)) {
  const buildFailed = rows.some((r) => r.name === 'build' && r.failed);
  for (const name of chosen) {
    const level = levels[name];
    if (buildFailed && level.needsBuild) {
      // dist/ is stale or missing: running the extension would test something else.
      rows.push({ name, passed: 0, failed: 1, pending: 0, ms: 0, note: 'not run: the build failed' });
      failed++;
      continue;
    }
    heading(`${name} tests`);
    const resultsFile = join(resultsDir, `${name}.json`);
    const args = name === 'vscode' ? [...level.args, '--services', services] : level.args;
    const t0 = Date.now();
    // The level's temp folders (fixtures, servers' data, editors' profiles) go under one of its own, removed
    // once the level is over, whether its tests cleaned up after themselves or not. Open to every user like
    // the system's: the database servers run as their own users.
    const levelTmp = mkdtempSync(join(tmpdir(), `xcom-lens-${name}-`));
    chmodSync(levelTmp, 0o1777);
    const { code, timedOut } = await runNode([...args, resultsFile], {
      timeoutMs: level.timeoutMs,
      env: { XCOM_LENS_TEST_RESULTS: resultsFile, TMPDIR: levelTmp },
    });
    rmSync(levelTmp, { recursive: true, force: true, maxRetries: 3 });
    const counts = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
    const row = {
      name,
      passed: counts?.passed ?? 0,
      failed: counts?.failed ?? 0,
      pending: counts?.pending ?? 0,
      ms: Date.now() - t0,
      note: '',
    };
    if (timedOut) row.note = 'timed out';
    else if (!counts) row.note = `no results (exit ${code})`;
    else if (row.passed + row.failed === 0) row.note = 'ran no test';
    else if (code !== 0 && row.failed === 0) row.note = `exit ${code} after the tests`;
    // A level that crashed, timed out or ran nothing counts as one failure even without a failing test.
    if (row.note && row.failed === 0) row.failed = 1;
    rows.push(row);
    passed += row.passed;
    failed += row.failed;
    const line = `${name}: ${row.passed} passed, ${row.failed} failed, ${row.pending} pending in ${seconds(row.ms)}${row.note ? ` (${row.note})` : ''}`;
    console.log(paint(row.failed ? '31' : '32', `${row.failed ? '✘' : '✔'} ${line}`));
  }
}
rmSync(resultsDir, { recursive: true, force: true });

heading(`summary (${seconds(Date.now() - started)})`);
for (const r of rows) {
  const status = r.failed ? paint('31', 'FAIL') : paint('32', 'ok  ');
  const isCheck = checks.some((c) => c.name === r.name);
  const counts = isCheck
    ? ''.padEnd(36)
    : `${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${String(r.pending).padStart(4)} pending`;
  console.log(
    `${status} ${r.name.padEnd(18)} ${counts} ${seconds(r.ms).padStart(9)}${r.note && r.note !== 'ok' ? `  ${r.note}` : ''}`,
  );
}
console.log(`xcom-lens: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
