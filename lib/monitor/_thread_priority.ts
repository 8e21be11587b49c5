/**
 * Lowers the CPU priority of the calling thread alone (Linux). The monitor's thread calls it at its start, so
 * that on a machine whose cores are all busy (the usual VPS: two) the scheduler serves the gateway's thread,
 * which carries the orders, before the readers' (bench/README.md, ninth round). Linux keeps a `nice` value per
 * thread: `setpriority` given a thread's id changes that thread only, and `/proc/thread-self` names the
 * caller's id. Lowering needs no privilege; raising it back would, so the gateway's own thread is never
 * touched. Elsewhere (macOS, Windows) it answers why not, and the thread runs at the process's priority.
 *
 * @module
 */

import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import process from "node:process";

/** What lowering gave: the thread's `nice` now, or why it was not changed. */
export type ThreadPriority = { nice: number } | { error: string };

/**
 * Sets the calling thread's `nice` to `nice` (0–19; 0 leaves it as it is) and reads it back.
 *
 * @example
 * ```ts
 * const priority = lowerThreadPriority(10);
 * if ("error" in priority) console.error(priority.error);
 * ```
 */
export function lowerThreadPriority(nice: number): ThreadPriority {
  if (nice === 0) return { nice: 0 };
  if (process.platform !== "linux") return { error: `per-thread priority is not set on ${process.platform}` };
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return { error: "no thread id in /proc/thread-self" };
    setPriority(tid, nice);
    return { nice: getPriority(tid) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
