// The dev loop's debouncer (engine/dev/debounce.ts), driven by hand: a save the watcher reports twice closes
// after the quiet period, a stream of new paths is held for a slice, and the maximum wait bounds a stream. Each
// case is decided by the order of timers (a batch closes before or after a later delivery), not by wall time.
import assert from 'node:assert/strict';
import test from 'node:test';
import { Debouncer, type ChangeBatch } from '../engine/dev/debounce.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const timing = { quietMs: 30, maxWaitMs: 2000, streamMs: 300 };
const update = (path: string) => [{ path, type: 'update' as const }];

function collect(t = timing): { debouncer: Debouncer; batches: string[][] } {
  const batches: string[][] = [];
  const debouncer = new Debouncer(t, (b: ChangeBatch) => batches.push(b.changes.map((c) => c.path)));
  return { debouncer, batches };
}

test('a save reported twice closes one quiet period after its first report', async () => {
  const { debouncer, batches } = collect();
  debouncer.add(update('/p/a.txt'));
  await sleep(25);
  debouncer.add(update('/p/a.txt'));
  // Past 30 ms from the first report, though not from the second: the batch of the lone save has closed.
  await sleep(20);
  debouncer.add(update('/p/b.txt'));
  await sleep(400);
  debouncer.stop();
  assert.deepEqual(batches, [['/p/a.txt'], ['/p/b.txt']]);
});

test('deliveries that bring new paths continue a stream: the batch waits for the next slice', async () => {
  const { debouncer, batches } = collect();
  debouncer.add(update('/p/a.txt'));
  await sleep(10);
  debouncer.add(update('/p/b.txt'));
  await sleep(120);
  debouncer.add(update('/p/c.txt'));
  await sleep(400);
  debouncer.stop();
  assert.deepEqual(batches, [['/p/a.txt', '/p/b.txt', '/p/c.txt']]);
});

test('the maximum wait closes a batch that a stream keeps open', async () => {
  const { debouncer, batches } = collect({ quietMs: 30, maxWaitMs: 150, streamMs: 300 });
  for (let i = 0; i < 8; i++) {
    debouncer.add(update(`/p/${i}.txt`));
    await sleep(40);
  }
  await sleep(500);
  debouncer.stop();
  assert.ok(
    batches.length >= 2,
    `a stream of 320 ms in batches of at most 150 ms: ${JSON.stringify(batches)}`,
  );
  assert.deepEqual(
    batches.flat(),
    Array.from({ length: 8 }, (_, i) => `/p/${i}.txt`),
  );
});
