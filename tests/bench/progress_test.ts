/**
 * The progress line of long runs: stage, percent and ETA from an injected clock; nothing at all when the
 * output is not a terminal; rate-limited within a stage, immediate on a stage change.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDuration, formatProgress, Progress } from "../../bench/_support/progress.ts";
import { ManualClock } from "../_manual_clock.ts";

test("formatDuration: m:ss, then h:mm:ss", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(65_000), "1:05");
  assert.equal(formatDuration(720_000), "12:00");
  assert.equal(formatDuration(3_723_000), "1:02:03");
  assert.equal(formatDuration(-5), "0:00");
});

test("formatProgress: percent of the total and an ETA at the pace so far", () => {
  const cases: [Parameters<typeof formatProgress>[0], string][] = [
    [{ stage: "load", done: 126, total: 300, elapsedMs: 126_000 }, "[ 42%] load · 2:06 elapsed · ETA 2:54"],
    // Nothing done yet: no pace, no ETA. Unknown total: "?". Done (or past it): no ETA.
    [{ stage: "micro", done: 0, total: 21, elapsedMs: 0 }, "[  0%] micro · 0:00 elapsed"],
    [{ stage: "drain", done: 0, total: 0, elapsedMs: 61_000 }, "[   ?] drain · 1:01 elapsed"],
    [{ stage: "report", done: 21, total: 21, elapsedMs: 3_600_000 }, "[100%] report · 1:00:00 elapsed"],
    [{ stage: "x", done: 30, total: 21, elapsedMs: 1000 }, "[100%] x · 0:01 elapsed"],
  ];
  for (const [facts, line] of cases) assert.equal(formatProgress(facts), line, JSON.stringify(facts));
});

test("Progress: writes nothing when the output is not a terminal", () => {
  const lines: string[] = [];
  const progress = new Progress({ enabled: false, write: (l) => lines.push(l) });
  progress.update("load", 1, 10);
  progress.update("drain", 0, 0);
  assert.deepEqual(lines, []);
  assert.equal(progress.enabled, false);
});

test("Progress: at most one line a second within a stage; a new stage shows at once", () => {
  const clock = new ManualClock();
  const lines: string[] = [];
  const progress = new Progress({ enabled: true, write: (l) => lines.push(l), now: () => clock.now() });
  progress.update("load", 0, 300);
  clock.advance(500);
  progress.update("load", 0.5, 300); // within the second: skipped
  clock.advance(500);
  progress.update("load", 1, 300);
  progress.update("drain", 0, 0); // a stage change: at once
  assert.deepEqual(lines, [
    "[  0%] load · 0:00 elapsed",
    "[  0%] load · 0:01 elapsed · ETA 4:59",
    "[   ?] drain · 0:01 elapsed",
  ]);
});
