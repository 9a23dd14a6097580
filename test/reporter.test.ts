// Reasons, durations, the plain and JSON reporters and the summary, as golden strings.
import assert from 'node:assert/strict';
import test from 'node:test';
import { countStatuses, type RunEvent, type RunSummary, type TaskSummary } from '../engine/run/events.ts';
import { formatReason } from '../engine/run/reasons.ts';
import { formatDuration } from '../engine/run/reporters/format.ts';
import { createReporter, formatSummary, type ReporterMode } from '../engine/run/reporters/reporter.ts';

const tasks: TaskSummary[] = [
  summaryOf('build:api', 'ran', { type: 'input-changed', changes: ['api/main.go'] }, 0, 2100),
  summaryOf('build:web', 'cached', { type: 'cached' }, 0, 4),
  summaryOf('tag:web', 'cached', { type: 'cached' }, 4, 12),
  summaryOf('tag:api', 'ran', { type: 'first-run' }, 2100, 2400),
  summaryOf('render:web', 'ran', { type: 'forced', by: '-d' }, 2400, 2500),
  {
    ...summaryOf(
      'deploy:web',
      'failed',
      { type: 'artifact-missing', what: 'objects of "web" not in "shop"' },
      2500,
      4000,
    ),
    error: 'Cannot apply Deployment "web": the server refused it\n  spec.replicas: must be ≥ 0',
  },
  summaryOf('db/deploy:pg', 'skipped', { type: 'upstream-failed', upstream: 'deploy:web' }, 4000, 4000),
];

const summary: RunSummary = {
  pipeline: 'deploy',
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 4200,
  tasks,
  counts: countStatuses(tasks),
  criticalPath: ['build:api', 'tag:api', 'render:web', 'deploy:web'].map((id) => {
    const t = tasks.find((x) => x.id === id);
    return { id, durationMs: t?.durationMs ?? 0 };
  }),
  ok: false,
};

const events: RunEvent[] = [
  {
    type: 'run-start',
    pipeline: 'deploy',
    total: 7,
    tasks: tasks.map(({ id, kind }) => ({ id, kind })),
    dryRun: false,
  },
  {
    type: 'task-start',
    id: 'build:api',
    kind: 'build',
    reason: { type: 'input-changed', changes: ['api/main.go'] },
  },
  { type: 'task-start', id: 'build:web', kind: 'build', reason: { type: 'cached' } },
  {
    type: 'task-end',
    id: 'build:web',
    kind: 'build',
    status: 'cached',
    reason: { type: 'cached' },
    durationMs: 4,
  },
  { type: 'task-log', id: 'build:api', line: 'Step 1/3 : FROM base\nStep 2/3 : COPY . .' },
  {
    type: 'task-end',
    id: 'build:api',
    kind: 'build',
    status: 'ran',
    reason: { type: 'input-changed', changes: ['api/main.go'] },
    durationMs: 2100,
  },
  {
    type: 'task-end',
    id: 'deploy:web',
    kind: 'deploy',
    status: 'failed',
    reason: { type: 'first-run' },
    durationMs: 1500,
    error: 'Cannot apply Deployment "web": the server refused it\n  spec.replicas: must be ≥ 0',
  },
  {
    type: 'task-end',
    id: 'tag:x',
    kind: 'tag',
    status: 'cancelled',
    reason: { type: 'cancelled' },
    durationMs: 240,
  },
  {
    type: 'task-end',
    id: 'db/deploy:pg',
    kind: 'deploy',
    status: 'skipped',
    reason: { type: 'upstream-failed', upstream: 'deploy:web' },
    durationMs: 0,
  },
  { type: 'run-end', summary },
];

const SUMMARY = `\
  status       task          time  reason
  ✓ ran        build:api     2.1s  input changed: api/main.go
  ✓ ran        tag:api       0.3s  first run
  ✓ ran        render:web    0.1s  forced (-d)
  ✗ failed     deploy:web    1.5s  artifact missing: objects of "web" not in "shop"
  - skipped    db/deploy:pg     -  upstream failed: deploy:web

ran 3 · cached 2 · failed 1 · skipped 1 · 4.2s
critical path: build:api 2.1s → tag:api 0.3s → render:web 0.1s → deploy:web 1.5s
`;

function summaryOf(
  id: string,
  status: TaskSummary['status'],
  reason: TaskSummary['reason'],
  startMs: number,
  endMs: number,
): TaskSummary {
  return {
    id,
    kind: id.split(':')[0]?.split('/').at(-1) ?? '',
    status,
    reason,
    startMs,
    endMs,
    durationMs: endMs - startMs,
  };
}

function run(mode: ReporterMode, options: { color: boolean; verbose?: boolean }): string {
  let out = '';
  const reporter = createReporter(mode, { write: (s: string) => (out += s) }, options);
  for (const event of events) reporter.onEvent(event);
  reporter.close();
  return out;
}

test('reasons read as one line, long change lists end in "and N more"', () => {
  assert.equal(formatReason({ type: 'cached' }), 'cached');
  assert.equal(formatReason({ type: 'first-run' }), 'first run');
  assert.equal(formatReason({ type: 'input-changed', changes: [] }), 'input changed');
  assert.equal(
    formatReason({ type: 'input-changed', changes: ['api/src/main.ts', 'buildArgs.VERSION'] }),
    'input changed: api/src/main.ts, buildArgs.VERSION',
  );
  assert.equal(
    formatReason({ type: 'input-changed', changes: ['a', 'b', 'c', 'd'] }),
    'input changed: a, b, c, d',
  );
  assert.equal(
    formatReason({ type: 'input-changed', changes: ['a', 'b', 'c', 'd', 'e', 'f'] }),
    'input changed: a, b, c and 3 more',
  );
  assert.equal(formatReason({ type: 'forced', by: '-b' }), 'forced (-b)');
  assert.equal(
    formatReason({ type: 'artifact-missing', what: 'image 127.0.0.1:5000/api:3f2a… not in the engine' }),
    'artifact missing: image 127.0.0.1:5000/api:3f2a… not in the engine',
  );
  assert.equal(
    formatReason({ type: 'upstream-failed', upstream: 'build:api' }),
    'upstream failed: build:api',
  );
  assert.equal(formatReason({ type: 'cancelled' }), 'cancelled');
});

test('durations: milliseconds below 0.1s, tenths of seconds below a minute, then minutes', () => {
  assert.deepEqual([0, 4, 99, 100, 1234, 59_940, 59_950, 125_000].map(formatDuration), [
    '0ms',
    '4ms',
    '99ms',
    '0.1s',
    '1.2s',
    '59.9s',
    '1m00s',
    '2m05s',
  ]);
});

test('plain: one prefixed line per event, logs only when verbose, then the summary', () => {
  const lines = `\
Running deploy: 7 tasks
[build:api] start (input changed: api/main.go)
[build:web] cached
[build:api] Step 1/3 : FROM base
[build:api] Step 2/3 : COPY . .
[build:api] done 2.1s
[deploy:web] failed 1.5s: Cannot apply Deployment "web": the server refused it
[tag:x] cancelled 0.2s
[db/deploy:pg] skipped (upstream failed: deploy:web)

`;
  assert.equal(run('plain', { color: false, verbose: true }), lines + SUMMARY);
  // Without --verbose, neither log lines nor plain cache hits are printed: a no-op run stays short.
  const quiet = run('plain', { color: false });
  assert.equal(
    quiet,
    lines.replace(/\[build:api\] Step.*\n/g, '').replace('[build:web] cached\n', '') + SUMMARY,
  );
});

test('summary: colors only when asked', () => {
  assert.equal(formatSummary(summary, { color: false }), SUMMARY);
  const colored = formatSummary(summary, { color: true });
  assert.match(colored, /\u001b\[32m✓ ran {6}\u001b\[0m {2}build:api/);
  assert.match(colored, /\u001b\[31mfailed 1\u001b\[0m/);
  assert.equal(colored.replace(/\u001b\[[0-9;]*m/g, ''), SUMMARY);
  assert.equal(run('plain', { color: false }).includes('\u001b'), false);
});

test('summary of a clean run: no failures section, no empty statuses', () => {
  const ok = tasks.slice(0, 2);
  const text = formatSummary(
    { ...summary, tasks: ok, counts: countStatuses(ok), criticalPath: [], ok: true, durationMs: 61_000 },
    { color: false },
  );
  assert.equal(
    text,
    `\
  status       task       time  reason
  ✓ ran        build:api  2.1s  input changed: api/main.go

ran 1 · cached 1 · failed 0 · 1m01s
`,
  );
});

test('json: one line per event, exactly the RunEvent shape', () => {
  const lines = run('json', { color: true, verbose: false }).split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l) as unknown),
    events,
  );
  assert.equal(lines[0], JSON.stringify(events[0]));
});

test('plain: a dry run says "would run"; a cache hit made elsewhere is shown with where', () => {
  const out: string[] = [];
  const reporter = createReporter('plain', { write: (s: string) => out.push(s) }, { color: false });
  reporter.onEvent({ type: 'run-start', pipeline: 'build', total: 2, tasks: [], dryRun: true });
  reporter.onEvent({
    type: 'task-end',
    id: 'build:a',
    kind: 'build',
    status: 'skipped',
    reason: { type: 'first-run' },
    durationMs: 0,
  });
  reporter.onEvent({
    type: 'task-end',
    id: 'build:b',
    kind: 'build',
    status: 'cached',
    reason: { type: 'cached', from: 'image r/b:1 in the registry' },
    durationMs: 3,
  });
  reporter.onEvent({
    type: 'task-end',
    id: 'tag:a',
    kind: 'tag',
    status: 'skipped',
    reason: { type: 'upstream-failed', upstream: 'build:a' },
    durationMs: 0,
  });
  reporter.close();
  assert.equal(
    out.join(''),
    'Running build: 2 tasks (dry run)\n[build:a] would run (first run)\n[build:b] cached (image r/b:1 in the registry)\n[tag:a] skipped (upstream failed: build:a)\n',
  );
});

test('a task warning is shown with its outcome in plain, tty and json output, verbose or not', () => {
  const warned: RunEvent = {
    type: 'task-end',
    id: 'deploy:web',
    kind: 'deploy',
    status: 'ran',
    reason: { type: 'first-run' },
    durationMs: 400,
    warnings: ['deployment/web (kube/web.yaml:1): spec.template.spec.nodeSelector[beta.kubernetes.io/os]: x'],
  };
  const output = (mode: ReporterMode): string => {
    let out = '';
    const reporter = createReporter(mode, { write: (s: string) => (out += s) }, { color: false });
    reporter.onEvent(warned);
    reporter.close();
    return out;
  };
  assert.equal(
    output('plain'),
    '[deploy:web] warning: deployment/web (kube/web.yaml:1): spec.template.spec.nodeSelector[beta.kubernetes.io/os]: x\n' +
      '[deploy:web] done 0.4s\n',
  );
  assert.match(output('tty'), /! deploy:web {2}warning: deployment\/web \(kube\/web\.yaml:1\): /);
  assert.deepEqual(
    (JSON.parse(output('json').split('\n')[0] ?? '') as { warnings: string[] }).warnings,
    warned.warnings,
  );
});
