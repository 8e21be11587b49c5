/**
 * {@linkcode ProcessRuntime} on Bun (Node's `process` API). Loaded on every runtime, used only on Bun.
 *
 * @module
 */

import process from "node:process";
import { writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { ProcessRuntime } from "./process.ts";

function writeAll(fd: number, text: string): void {
  let bytes = new TextEncoder().encode(text + "\n");
  while (bytes.length > 0) bytes = bytes.subarray(writeSync(fd, bytes));
}

/**
 * Bun's process services.
 *
 * @example
 * ```ts
 * bunProcess.onStopSignal((signal) => console.error(signal));
 * ```
 */
export const bunProcess: ProcessRuntime = {
  // argv is [runtime, script, ...args], also in a `bun build --compile` binary.
  args: () => process.argv.slice(2),
  env: () => ({ ...process.env }),
  writeStderr: (text) => writeAll(2, text),
  writeStdout: (text) => writeAll(1, text),
  onStopSignal(handler) {
    process.on("SIGINT", () => handler("SIGINT"));
    process.on("SIGTERM", () => handler("SIGTERM"));
    process.on("SIGHUP", () => handler("SIGHUP"));
  },
  onFatal(handler) {
    process.on("uncaughtException", (error) => handler(error, "uncaught exception"));
    process.on("unhandledRejection", (reason) => handler(reason, "unhandled rejection"));
  },
  exit: (code) => process.exit(code),
  readTextFile: (path) => readFile(path, "utf8"),
};
