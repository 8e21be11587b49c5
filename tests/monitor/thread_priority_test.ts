/**
 * The monitor's thread priority (lib/monitor/_thread_priority.ts), over the kernel's own account: each thread's
 * `nice` is read from `/proc/self/task/<tid>/stat`, not from what the function reports. Lowering runs in a
 * Worker, as the monitor's thread does it: on this test's own thread it could not be undone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readlinkSync } from "node:fs";

/** A thread's `nice` as the kernel keeps it: field 19 of its stat line, after the parenthesised name. */
function niceOf(tid: number | "self"): number {
  const stat = readFileSync(
    tid === "self" ? "/proc/thread-self/stat" : `/proc/self/task/${tid}/stat`,
    "utf8",
  );
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

/** Runs `lowerThreadPriority(nice)` on a new thread; answers its id and result, and its nice while alive. */
async function lowerInWorker(nice: number): Promise<{ tid: number; result: unknown; kernelNice: number }> {
  const worker = new Worker(new URL("./_priority_worker.ts", import.meta.url).href, { type: "module" });
  try {
    const answer = await new Promise<{ tid: number; result: unknown }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the worker did not answer in 10 s")), 10_000);
      worker.onmessage = (e: MessageEvent) => {
        clearTimeout(timer);
        resolve(e.data);
      };
      worker.onerror = (e: ErrorEvent) => {
        clearTimeout(timer);
        reject(new Error(e.message));
      };
      worker.postMessage(nice);
    });
    return { ...answer, kernelNice: niceOf(answer.tid) };
  } finally {
    worker.terminate();
  }
}

test("thread priority: lowers the calling thread alone, as the kernel reads it", async () => {
  const mine = Number(readlinkSync("/proc/thread-self").split("/").pop());
  const before = niceOf("self");
  const lowered = await lowerInWorker(Math.min(before + 7, 19));
  assert.notEqual(lowered.tid, mine, "the worker is a thread of its own");
  assert.deepEqual(lowered.result, { nice: Math.min(before + 7, 19) });
  assert.equal(
    lowered.kernelNice,
    Math.min(before + 7, 19),
    "the kernel holds the worker's thread at that nice",
  );
  assert.equal(niceOf("self"), before, "the calling test's thread is untouched");
  assert.equal(niceOf(mine), before);
});

test("thread priority: 0 leaves the thread as it is; a refused change is answered, not thrown", async () => {
  const before = niceOf("self");
  const kept = await lowerInWorker(0);
  assert.deepEqual(kept.result, { nice: 0 });
  assert.equal(kept.kernelNice, before, "0 changes nothing");
  // Out of range for the kernel and for node:os: the error comes back as a value.
  const refused = await lowerInWorker(-30);
  assert.ok(
    typeof refused.result === "object" && refused.result !== null && "error" in refused.result,
    JSON.stringify(refused.result),
  );
  assert.equal(refused.kernelNice, before);
});
