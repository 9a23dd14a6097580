// The questions for variables without a value, driven once through a real terminal (tmux): `dsg run render`
// asks for a choice and a hidden password, renders with the answers, and the password never reaches the screen,
// the task log or the run summary.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import test from 'node:test';
import { runProcess, shellQuote } from '../core/process.ts';
import { dsgCommand, tempDir, waitFor } from './helpers/cli.ts';

const CONFIG = `version: v2beta1
name: asks
vars:
  REGISTRY:
    question: Which registry?
    options: [reg.one, reg.two]
  DB_PASSWORD:
    password: true
deployments:
  app:
    kubectl:
      inlineManifest: |
        apiVersion: v1
        kind: Secret
        metadata: { name: app }
        stringData: { password: "\${DB_PASSWORD}", registry: "\${REGISTRY}" }
`;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('dsg run in a terminal asks for a choice and a hidden password, and renders with the answers', async () => {
  const dir = await tempDir('dsg-prompt-');
  await writeFile(join(dir, 'devspace.yaml'), CONFIG);
  // A tmux server of this test's own, on its own socket: other tests' sessions are never touched.
  const socket = `dsg-prompt-${randomBytes(4).toString('hex')}`;
  const tmux = async (...args: string[]): Promise<string> => {
    const run = await runProcess('tmux', ['-L', socket, ...args], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    if (!run.ok || run.value.code !== 0)
      throw new Error(`tmux ${args.join(' ')}: ${run.ok ? run.value.stderr : run.error.message}`);
    return run.value.stdout;
  };
  const { command, args } = dsgCommand();
  const line = [command, ...args, 'run', 'render'].map(shellQuote).join(' ');
  const env = `env -i PATH=${shellQuote(process.env['PATH'] ?? '')} HOME=${shellQuote(dir)} NO_COLOR=1 TERM=xterm`;
  await tmux(
    'new-session',
    '-d',
    '-x',
    '160',
    '-y',
    '50',
    '-c',
    dir,
    `${env} ${line}; echo "dsg exited $?"; sleep 600`,
  );
  try {
    const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-200');
    const see = async (text: string, what: string): Promise<void> => {
      await waitFor(async () => (await screen()).includes(text), what).catch(async (e: unknown) => {
        throw new Error(`${String(e)}; the screen:\n${await screen()}`);
      });
    };
    // Asked in the order the config uses them: the password, then the registry.
    await see('(hidden)', 'the password question');
    await tmux('send-keys', '-l', 'pw-typed-in-secret');
    await tmux('send-keys', 'Enter');
    await see('Choose 1-2: ', 'the choice');
    assert.match(await screen(), /\? Which registry\?\n {2}1\) reg\.one\n {2}2\) reg\.two\nChoose 1-2: /);
    await tmux('send-keys', '-l', '2');
    await tmux('send-keys', 'Enter');
    await see('dsg exited', 'dsg to end');
    const shown = await screen();
    assert.match(shown, /\? Please enter a value for DB_PASSWORD \(hidden\)\n> \n/);
    assert.match(shown, /dsg exited 0/, shown);
    assert.doesNotMatch(shown, /pw-typed-in-secret/, 'the password is never echoed');
    const rendered = await readFile(join(dir, '.dsg', 'rendered', 'app.yaml'), 'utf8');
    assert.match(rendered, /registry: reg\.two/);
    assert.match(rendered, /password: pw-typed-in-secret/);
    for (const file of await filesUnder(join(dir, '.dsg'))) {
      if (!/[\\/](logs|runs)[\\/]/.test(file)) continue;
      assert.doesNotMatch(await readFile(file, 'utf8'), /pw-typed-in-secret/, `${file} holds the password`);
    }
  } finally {
    await tmux('kill-server');
  }
});
