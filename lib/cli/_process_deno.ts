/**
 * {@linkcode ProcessRuntime} on Deno. Loaded on every runtime, used only on Deno: nothing here touches
 * `Deno` until a method is called.
 *
 * @module
 */

import type { ProcessRuntime } from "./process.ts";

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text + "\n");
  while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
}

/**
 * Deno's process services.
 *
 * @example
 * ```ts
 * denoProcess.onStopSignal((signal) => console.error(signal));
 * ```
 */
export const denoProcess: ProcessRuntime = {
  args: () => [...Deno.args],
  env: () => Deno.env.toObject(),
  writeStderr: (text) => writeAll(Deno.stderr, text),
  writeStdout: (text) => writeAll(Deno.stdout, text),
  onStopSignal(handler) {
    Deno.addSignalListener("SIGINT", () => handler("SIGINT"));
    // Windows has neither SIGTERM nor SIGHUP; SIGINT (Ctrl-C) still works there.
    if (Deno.build.os !== "windows") {
      Deno.addSignalListener("SIGTERM", () => handler("SIGTERM"));
      Deno.addSignalListener("SIGHUP", () => handler("SIGHUP"));
    }
  },
  onFatal(handler) {
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault(); // we log and exit ourselves, with our own line
      handler(event.reason, "unhandled rejection");
    });
    globalThis.addEventListener("error", (event) => {
      event.preventDefault();
      handler(event.error ?? event.message, "uncaught exception");
    });
  },
  exit: (code) => Deno.exit(code),
  readTextFile: (path) => Deno.readTextFile(path),
};
