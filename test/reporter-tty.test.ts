// The live terminal view, checked on a small terminal emulator: what the screen shows, not which bytes were sent.
import assert from 'node:assert/strict';
import test from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunEvent } from '../engine/run/events.ts';
import { createReporter } from '../engine/run/reporters/reporter.ts';

/** Interprets text, CR, LF, cursor-up (CSI n A), erase-below (CSI J) and ignores colors (CSI m). */
class Screen {
  lines: string[] = [''];
  writes = 0;
  private row = 0;
  private col = 0;

  constructor(readonly columns: number) {}

  write(s: string): void {
    this.writes++;
    for (const [token, n, command] of s.matchAll(/\u001b\[(\d*)([A-Za-z])|\r|\n|[^\u001b\r\n]+/g)) {
      if (token === '\n') {
        this.row++;
        this.col = 0;
        while (this.lines.length <= this.row) this.lines.push('');
      } else if (token === '\r') this.col = 0;
      else if (command === 'A') this.row = Math.max(0, this.row - Number(n || 1));
      else if (command === 'J') {
        this.lines[this.row] = Array.from(this.lines[this.row] ?? '')
          .slice(0, this.col)
          .join('');
        this.lines.length = this.row + 1;
      } else if (command === 'm') continue;
      else if (command !== undefined) assert.fail(`unexpected escape sequence ${JSON.stringify(token)}`);
      else {
        const line = Array.from(this.lines[this.row] ?? '');
        const chars = Array.from(token);
        line.splice(this.col, chars.length, ...chars);
        this.lines[this.row] = line.join('');
        this.col += chars.length;
      }
    }
  }

  /** The screen, without trailing blanks, as one string. */
  text(): string {
    return this.lines
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
  }
}

function setup(columns = 60, verbose = false) {
  const clock = { now: 0 };
  const screen = new Screen(columns);
  const reporter = createReporter('tty', screen, { color: false, verbose, now: () => clock.now });
  return {
    clock,
    screen,
    reporter,
    emit: (...events: RunEvent[]) => events.forEach((e) => reporter.onEvent(e)),
  };
}

const start = (total: number): RunEvent => ({
  type: 'run-start',
  pipeline: 'deploy',
  total,
  tasks: [],
  dryRun: false,
});
const begin = (id: string): RunEvent => ({
  type: 'task-start',
  id,
  kind: 'build',
  reason: { type: 'first-run' },
});
const log = (id: string, line: string): RunEvent => ({ type: 'task-log', id, line });

test('running tasks with elapsed time and last log line, finished ones above, then a clean close', () => {
  const { clock, screen, reporter, emit } = setup();
  emit(start(3), begin('build:api'), begin('build:web'));
  clock.now = 1500;
  emit(log('build:api', 'Step 2/3 : RUN make\n'));
  assert.equal(
    screen.text(),
    `\
Running deploy: 3 tasks
  ⠴ build:api    1.5s  Step 2/3 : RUN make
  ⠴ build:web    1.5s
  [░░░░░░░░░░░░░░░░░░░░] 0/3 · 2 running · 1.5s`,
  );
  clock.now = 1550;
  emit({
    type: 'task-end',
    id: 'build:web',
    kind: 'build',
    status: 'cached',
    reason: { type: 'cached' },
    durationMs: 3,
  });
  assert.match(screen.text(), /2 running/, 'no redraw 50ms after the last one');
  clock.now = 1650;
  emit({
    type: 'task-end',
    id: 'build:api',
    kind: 'build',
    status: 'ran',
    reason: { type: 'first-run' },
    durationMs: 1650,
  });
  assert.equal(
    screen.text(),
    `\
Running deploy: 3 tasks
✓ build:api  1.6s  first run
  [█████████████░░░░░░░] 2/3 · 0 running · 1.6s`,
  );
  emit(begin('deploy:web'));
  clock.now = 1800;
  emit({
    type: 'task-end',
    id: 'deploy:web',
    kind: 'deploy',
    status: 'failed',
    reason: { type: 'first-run' },
    durationMs: 150,
    error: 'Cannot apply Deployment "web": refused\n  detail line',
  });
  reporter.close();
  assert.equal(
    screen.text(),
    `\
Running deploy: 3 tasks
✓ build:api  1.6s  first run
✗ deploy:web  Cannot apply Deployment "web": refused`,
  );
  const writes = screen.writes;
  reporter.close();
  emit(begin('late'));
  assert.equal(screen.writes, writes, 'nothing is written after close');
});

test('redraws are throttled: a burst of 1,000 events draws once', () => {
  const { clock, screen, reporter, emit } = setup();
  emit(start(1), begin('build:api'));
  for (let i = 0; i < 1000; i++) emit(log('build:api', `line ${i}`));
  assert.equal(screen.writes, 1);
  clock.now = 100;
  emit(log('build:api', 'after the pause'));
  assert.equal(screen.writes, 2);
  assert.match(screen.text(), /build:api +0\.1s {2}after the pause/);
  reporter.close();
});

test('the timer draws what arrived inside the throttle window', async () => {
  const { clock, screen, reporter, emit } = setup();
  emit(start(1), begin('build:api'));
  clock.now = 10;
  emit({
    type: 'task-end',
    id: 'build:api',
    kind: 'build',
    status: 'ran',
    reason: { type: 'first-run' },
    durationMs: 10,
  });
  assert.doesNotMatch(screen.text(), /✓/);
  await sleep(300);
  assert.match(screen.text(), /✓ build:api {2}10ms {2}first run\n {2}\[█+\] 1\/1/);
  reporter.close();
});

test('live lines never wrap, and tool output cannot move the cursor', () => {
  const { clock, screen, reporter, emit } = setup(40);
  emit(start(12));
  for (let i = 0; i < 10; i++) emit(begin(`build:service-with-a-long-name-${i}`));
  clock.now = 200;
  emit(
    log('build:service-with-a-long-name-0', '\u001b[31mred\u001b[0m\tand\r\u001b[2Kerased ' + 'x'.repeat(80)),
  );
  const live = screen.lines.slice(1).filter((l) => l !== '');
  assert.equal(live.length, 10, '8 tasks, a count of the others, the progress bar');
  for (const line of live) assert.ok(Array.from(line).length <= 39, `too wide: ${line}`);
  assert.equal(live[8], '  … and 2 more running');
  assert.match(live[0] ?? '', /^ {2}⠹ build:service-with-a-long-name-0 {2}…$/);
  reporter.close();
});

test('verbose prints every log line above the live area; run-end prints the summary', () => {
  const { screen, reporter, emit } = setup(60, true);
  emit(start(1), begin('build:api'), log('build:api', 'one\ntwo'));
  emit({
    type: 'run-end',
    summary: {
      pipeline: 'deploy',
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 5,
      tasks: [],
      counts: { ran: 0, cached: 0, failed: 0, cancelled: 0, skipped: 0 },
      criticalPath: [],
      ok: true,
    },
  });
  assert.equal(
    screen.text(),
    `\
Running deploy: 1 task
[build:api] one
[build:api] two

ran 0 · cached 0 · failed 0 · 5ms`,
  );
  reporter.close();
});
