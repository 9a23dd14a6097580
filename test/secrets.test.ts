// Secrets stay secret: a `password: true` variable's value, and any variable named like a secret, never appears in
// .dsg/ (records, logs, memos, run summaries), in output or events, or in any `dsg graph` format; where it changes
// a key, only its digest is kept. .dsg/ is the user's alone: folders 0700, files 0600.
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { runDsg, tempDir } from './helpers/cli.ts';

const PASSWORD = 'hunter2-pass-7781';
const TOKEN = 'tok-93f1c2d4e5';

const CONFIG = `version: v2beta1
name: secrets
vars:
  DB_PASS:
    password: true
    default: ${PASSWORD}
  API_TOKEN:
    source: env
images:
  app:
    image: local/secret-app
    buildArgs:
      TOKEN: \${API_TOKEN}
    custom:
      command: sh -c 'echo "using \${DB_PASS} and $1"; mkdir -p out; echo done > out/app' build
      args: ["\${API_TOKEN}"]
      skipImageArg: true
      onChange: [src/**]
`;

/** Every file under `dir`, with its content and mode; and every folder's mode. */
async function walk(dir: string): Promise<{ files: Map<string, string>; modes: Map<string, number> }> {
  const files = new Map<string, string>();
  const modes = new Map<string, number>();
  const visit = async (path: string): Promise<void> => {
    modes.set(path, (await stat(path)).mode & 0o777);
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) await visit(child);
      else {
        files.set(child, await readFile(child, 'latin1'));
        modes.set(child, (await stat(child)).mode & 0o777);
      }
    }
  };
  await visit(dir);
  return { files, modes };
}

function assertHidden(where: string, text: string): void {
  for (const secret of [PASSWORD, TOKEN])
    assert.ok(!text.includes(secret), `${where} holds a secret in clear`);
}

test('secret values never leave in clear: output, events, logs, records, memos, graph formats', async () => {
  const dir = await tempDir('dsg-secrets-');
  await writeFile(join(dir, 'devspace.yaml'), CONFIG);
  await writeFile(join(dir, '.gitignore'), '.dsg\n');
  const env = { API_TOKEN: TOKEN };
  const first = await runDsg(['run', 'build', '--json', '-v'], { cwd: dir, env });
  assert.equal(first.code, 0, first.stderr);
  // The command did get the real values: what it wrote proves it ran with them.
  assert.match(first.stdout, /using \*\*\* and \*\*\*/);
  assertHidden('stdout', first.stdout);
  assertHidden('stderr', first.stderr);
  const plain = await runDsg(['run', 'build', '-v', '--force', 'build:app'], { cwd: dir, env });
  assert.equal(plain.code, 0, plain.stderr);
  assertHidden('plain output', plain.stdout + plain.stderr);
  for (const format of ['text', 'json', 'dot', 'mermaid', 'svg', 'html']) {
    const graph = await runDsg(['graph', '--format', format], { cwd: dir, env });
    assert.equal(graph.code, 0, graph.stderr);
    assertHidden(`dsg graph --format ${format}`, graph.stdout);
  }
  const again = await runDsg(['run', 'build'], { cwd: dir, env });
  assert.equal(again.code, 0, again.stderr);
  const logs = await runDsg(['logs', 'build:app'], { cwd: dir });
  assertHidden('dsg logs', logs.stdout);

  const state = await walk(join(dir, '.dsg'));
  for (const [path, text] of state.files) assertHidden(path, text);
  const records = [...state.files].filter(([path]) => path.includes(join('.dsg', 'records')));
  assert.ok(
    records.some(([, text]) => text.includes('<secret sha256:')),
    'the key record holds digests',
  );
  for (const [path, mode] of state.modes) {
    const folder = !state.files.has(path);
    assert.equal(mode & 0o077, 0, `${path} is ${mode.toString(8)}: readable by others`);
    assert.equal(mode, folder ? 0o700 : 0o600, path);
  }

  // A changed secret changes the key (the task runs again, with the reason naming the field, not the value).
  const changed = await runDsg(['run', 'build', '--json'], { cwd: dir, env: { API_TOKEN: `${TOKEN}-2` } });
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(
    changed.stdout,
    /"id":"build:app","kind":"build","status":"ran","reason":\{"type":"input-changed"/,
  );
  assert.ok(!changed.stdout.includes(`${TOKEN}-2`));
  const why = await runDsg(['why', 'build:app'], { cwd: dir, env: { API_TOKEN: `${TOKEN}-3` } });
  assertHidden('dsg why', why.stdout + why.stderr);
  assert.ok(!why.stdout.includes(`${TOKEN}-3`));
});

test('a value given with --var for a secret-looking name is masked too', async () => {
  const dir = await tempDir('dsg-secrets-var-');
  await writeFile(
    join(dir, 'devspace.yaml'),
    `version: v2beta1\nname: v\nimages:\n  app:\n    image: local/var-app\n    custom:\n      command: echo deploying with \${REGISTRY_PASSWORD}\n      skipImageArg: true\n`,
  );
  const r = await runDsg(['run', 'build', '-v', '--var', `REGISTRY_PASSWORD=${PASSWORD}`], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deploying with \*\*\*/);
  assertHidden('output', r.stdout + r.stderr);
});
