// `--json`: one JSON object per line per event, exactly the `RunEvent` shape of `engine/run/events.ts`:
//   {"type":"run-start","pipeline":"deploy","total":4,"tasks":[{"id":"build:api","kind":"build"},…],"dryRun":false}
//   {"type":"task-start","id":"build:api","kind":"build","reason":{"type":"first-run"}}
//   {"type":"task-log","id":"build:api","line":"Step 1/3 : FROM base"}
//   {"type":"task-end","id":"build:api","kind":"build","status":"ran","reason":{"type":"first-run"},"durationMs":1200}
//   {"type":"run-end","summary":{"pipeline":"deploy","startedAt":"…","durationMs":4200,"tasks":[…],"counts":{…},…}}
// A public, stable format for machines: fields may be added, never renamed or removed. Log lines are always included.
import type { RunEvent } from '../events.ts';
import type { Reporter, ReporterOutput } from './types.ts';

/** Writes every event as one line of JSON. */
export function createJsonReporter(out: ReporterOutput): Reporter {
  return {
    onEvent(event: RunEvent): void {
      out.write(`${JSON.stringify(event)}\n`);
    },
    close(): void {
      // Nothing buffered: every event was written when it arrived.
    },
  };
}
