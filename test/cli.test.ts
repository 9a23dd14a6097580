// CLI basics: help, version, exit codes, unknown commands and flags, colour.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';
import { repoRoot } from './helpers/paths.ts';

test('--version prints the version and the runtime', async () => {
  const r = await runDsg(['--version'], { cwd: repoRoot });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^dsg \d+\.\d+\.\d+ \((node|deno) [\d.]+\)\n$/);
});

test('--help lists every command; COMMAND --help shows its flags', async () => {
  const r = await runDsg(['--help'], { cwd: repoRoot });
  assert.equal(r.code, 0);
  for (const c of ['run', 'graph', 'why', 'logs', 'cache'])
    assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  const run = await runDsg(['run', '--help'], { cwd: repoRoot });
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^Usage: dsg run deploy\|build\|render\|purge/);
  assert.match(run.stdout, /-b, --force-build/);
  assert.match(run.stdout, /--max-concurrent-builds N/);
  const graph = await runDsg(['help', 'graph'], { cwd: repoRoot });
  assert.match(graph.stdout, /--focus TASK/);
});

test('an unknown command exits 2 with a suggestion', async () => {
  const r = await runDsg(['grpah'], { cwd: repoRoot });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown command "grpah" — did you mean "graph"\?/);
});

test('an unknown flag exits 2 with a suggestion and the usage', async () => {
  const r = await runDsg(['run', 'deploy', '--force-biuld'], { cwd: repoRoot });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown flag "--force-biuld" — did you mean "--force-build"\?/);
  assert.match(r.stderr, /Usage: dsg run/);
  const value = await runDsg(['run', 'deploy', '--parallel', 'many'], { cwd: repoRoot });
  assert.equal(value.code, 2);
  assert.match(value.stderr, /Flag "--parallel" needs a positive whole number, got "many"/);
});

test('colour follows FORCE_COLOR and NO_COLOR', async () => {
  const cwd = join(repoRoot, 'examples');
  const coloured = await runDsg(['graph'], { cwd, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.equal(coloured.code, 0, coloured.stderr);
  assert.match(coloured.stdout, /\u001b\[/);
  const plain = await runDsg(['graph'], { cwd, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
  assert.doesNotMatch(plain.stdout, /\u001b\[/);
});

test('a directory without devspace.yaml gets one clear message and exit 1', async () => {
  const dir = await tempDir();
  const r = await runDsg(['graph'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /devspace\.yaml/);
  assert.match(r.stderr, /--config/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
