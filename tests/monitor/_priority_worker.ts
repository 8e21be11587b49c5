/**
 * A thread for tests/monitor/thread_priority_test.ts: given a `nice`, lowers its own priority as the monitor's
 * thread does and answers its thread id and the result.
 *
 * @module
 */

import { readlinkSync } from "node:fs";
import { lowerThreadPriority } from "../../lib/monitor/_thread_priority.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<number>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
  scope.postMessage({ tid, result: lowerThreadPriority(event.data) });
};
