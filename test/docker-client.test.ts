// The Engine API client's own parts: DOCKER_HOST, the JSON-lines stream, the log demultiplexer, Dockerfile
// rewriting, the tar layout, version negotiation against the real engine.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { extract as tarExtract } from 'tar-stream';
import { openDocker } from '../tasks/docker/client.ts';
import { buildImage } from '../tasks/docker/images.ts';
import { demultiplex } from './fixtures/docker/containers.ts';
import { contextTar, withParentDirectories } from '../tasks/docker/context-tar.ts';
import { makeProject } from './fixtures/docker/task.ts';
import { locateStep, rewriteDockerfile } from '../tasks/docker/dockerfile.ts';
import { dockerHost } from '../tasks/docker/host.ts';
import { LineSplitter, progressMessages } from '../tasks/docker/progress.ts';
import type { ProgressMessage } from '../tasks/docker/progress.ts';

async function* chunks(parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const p of parts) yield p;
}

async function collect(parts: (string | Uint8Array)[]): Promise<ProgressMessage[]> {
  const out: ProgressMessage[] = [];
  for await (const m of progressMessages(chunks(parts))) out.push(m);
  return out;
}

void test('DOCKER_HOST: unix sockets, tcp, the default, and what is not supported', () => {
  assert.deepEqual(dockerHost({}), {
    ok: true,
    value: {
      display: 'unix:///var/run/docker.sock',
      origin: 'http://docker',
      socketPath: '/var/run/docker.sock',
    },
  });
  assert.deepEqual(dockerHost({ DOCKER_HOST: 'unix:///tmp/d.sock' }), {
    ok: true,
    value: { display: 'unix:///tmp/d.sock', origin: 'http://docker', socketPath: '/tmp/d.sock' },
  });
  assert.deepEqual(dockerHost({ DOCKER_HOST: 'tcp://10.0.0.2:2375' }), {
    ok: true,
    value: { display: 'tcp://10.0.0.2:2375', origin: 'http://10.0.0.2:2375' },
  });
  const ssh = dockerHost({ DOCKER_HOST: 'ssh://me@host' });
  assert.ok(!ssh.ok);
  assert.match(ssh.error, /does not support yet/);
});

void test('progress messages are parsed as their lines complete, across chunk and UTF-8 boundaries', async () => {
  const text = '{"stream":"Step 1/2 : FROM x\\n"}\r\n{"stream":"héllo\\n"}\r\n{"aux":{"ID":"sha256:1"}}\n';
  const bytes = new TextEncoder().encode(text);
  const split = text.indexOf('é') + 1; // in the middle of the two UTF-8 bytes of é
  const messages = await collect([bytes.subarray(0, 7), bytes.subarray(7, split), bytes.subarray(split)]);
  assert.deepEqual(messages, [
    { stream: 'Step 1/2 : FROM x\n' },
    { stream: 'héllo\n' },
    { aux: { ID: 'sha256:1' } },
  ]);
  assert.deepEqual(await collect(['plain text\n{"errorDetail":{"message":"boom"},"error":"boom"}']), [
    { stream: 'plain text\n' },
    { errorDetail: { message: 'boom' }, error: 'boom' },
  ]);
  const lines = new LineSplitter();
  assert.deepEqual(lines.push('a\nb'), ['a']);
  assert.deepEqual(lines.push('c\r\nd'), ['bc']);
  assert.deepEqual(lines.flush(), ['d']);
});

void test('the log stream is split into stdout and stderr by its frame headers', () => {
  const frame = (type: number, text: string): Buffer => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = type;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  assert.deepEqual(demultiplex(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')])), {
    stdout: 'out1 out2',
    stderr: 'err',
  });
});

void test('Dockerfile additions: instructions, then ENTRYPOINT and CMD in exec form, at the end of the target stage', () => {
  const file = 'FROM a AS build\nRUN make\nFROM b AS run\nCOPY x y\n';
  assert.equal(
    rewriteDockerfile(file, {
      instructions: ['ENV A=1'],
      entrypoint: ['/bin/app', 'say "hi"'],
      cmd: ['--x'],
    }),
    `${file}\nENV A=1\n\nENTRYPOINT ["/bin/app","say \\"hi\\""]\n\n\nCMD ["--x"]\n`,
  );
  assert.equal(
    rewriteDockerfile(file, { instructions: ['ENV A=1'], target: 'build' }),
    'FROM a AS build\nRUN make\nENV A=1\nFROM b AS run\nCOPY x y\n',
  );
  assert.equal(rewriteDockerfile(file, { instructions: ['ENV A=1'], target: 'nope' }), undefined);
});

void test('a step printed by the builder is found on its line, continuation lines joined', () => {
  const file = 'FROM a\n\n  RUN echo one \\\n      && exit 3\nCMD x\n';
  assert.deepEqual(locateStep(file, 'RUN echo one && exit 3', 'api/Dockerfile'), {
    file: 'api/Dockerfile',
    line: 3,
    col: 3,
    length: 14,
  });
  assert.equal(locateStep(file, 'RUN other', 'api/Dockerfile'), undefined);
});

void test('the context tar: listed files with modes, owned by root, big files streamed, symlinks kept, generated entries last', async () => {
  const dir = await makeProject({ 'a/small.txt': 'small', 'a/skip.txt': 'not listed' });
  const big = randomBytes(3 * 1024 * 1024 + 7);
  await writeFile(join(dir, 'big.bin'), big);
  await chmod(join(dir, 'a/small.txt'), 0o750);
  await symlink('a/small.txt', join(dir, 'link'));
  const entries: { name: string; type: string; mode: number; uid: number; linkname: string; body: Buffer }[] =
    [];
  const extract = tarExtract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      const h = entry.header;
      entries.push({
        name: h.name,
        type: h.type,
        mode: h.mode,
        uid: h.uid,
        linkname: h.linkname,
        body: Buffer.concat(chunks),
      });
    }
  })();
  await pipeline(
    contextTar({
      dir,
      files: ['big.bin', 'a/small.txt', 'link'],
      generated: [{ name: '.dockerignore', content: 'x\n' }],
    }),
    extract,
  );
  await done;
  assert.deepEqual(
    entries.map((e) => [e.name, e.type]),
    [
      ['a', 'directory'],
      ['a/small.txt', 'file'],
      ['big.bin', 'file'],
      ['link', 'symlink'],
      ['.dockerignore', 'file'],
    ],
  );
  assert.ok(entries.every((e) => e.uid === 0));
  assert.equal(entries[1]?.mode, 0o750);
  assert.equal(entries[1]?.body.toString(), 'small');
  assert.ok(entries[2]?.body.equals(big));
  assert.equal(entries[3]?.linkname, 'a/small.txt');
  assert.equal(entries[4]?.body.toString(), 'x\n');
});

void test('the tar lists parent directories before their files', () => {
  assert.deepEqual(withParentDirectories(['a-b.txt', 'a/b/c.txt', 'a/z.txt', 'Dockerfile']), [
    'Dockerfile',
    'a',
    'a/b',
    'a/b/c.txt',
    'a/z.txt',
    'a-b.txt',
  ]);
});

void test('the API version is negotiated with the real engine, never above what dsg speaks', async () => {
  const docker = await openDocker({});
  assert.ok(docker.ok, JSON.stringify(docker.ok ? '' : docker.error));
  try {
    assert.match(docker.value.apiVersion, /^1\.\d+$/);
    assert.ok(Number(docker.value.apiVersion.split('.')[1]) <= 41);
    const version = await docker.value.json({ method: 'GET', path: '/version' });
    assert.ok(version.ok);
    assert.equal(typeof (version.value as { ApiVersion?: unknown }).ApiVersion, 'string');
    const missing = await docker.value.json({ method: 'GET', path: '/images/dsg-test/no-such-image:1/json' });
    assert.ok(!missing.ok);
    assert.equal(missing.error.reason, 'http');
  } finally {
    await docker.value.close();
  }
});

void test('a context file that vanishes before it is sent fails the build with its name, not as a socket error', async () => {
  const dir = await makeProject({ Dockerfile: 'FROM dsg-test/busybox:1\n' });
  const docker = await openDocker({});
  assert.ok(docker.ok);
  try {
    const built = await buildImage(docker.value, {
      context: contextTar({ dir, files: ['Dockerfile', 'gone.txt'], generated: [] }),
      dockerfile: 'Dockerfile',
      refs: [],
      buildArgs: {},
      onLine: () => undefined,
    });
    assert.ok(!built.ok);
    assert.deepEqual(built.error.failure, {
      reason: 'context',
      message: 'cannot read "gone.txt": file not found',
    });
  } finally {
    await docker.value.close();
  }
});
