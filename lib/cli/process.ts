/**
 * The process-level services the CLI needs (arguments, environment, stdio, signals, fatal errors, exit,
 * reading a key file) behind one interface, with one adapter per runtime chosen once when this module
 * loads. Everything else in the CLI is runtime-neutral.
 *
 * @module
 */

import { denoProcess } from "./_process_deno.ts";
import { bunProcess } from "./_process_bun.ts";

/**
 * Signals that stop the gateway gracefully. SIGHUP (the terminal it ran in was closed) too: its default action
 * ends the process at once, with requests unanswered and the journal unflushed.
 */
export type StopSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

/** Process services of the current runtime. */
export interface ProcessRuntime {
  /** Command-line arguments after the program (and script) name. */
  args(): string[];
  /** A copy of the environment. */
  env(): Record<string, string | undefined>;
  /** Writes `text` plus a newline to stderr, synchronously (so it is out before an exit). */
  writeStderr(text: string): void;
  /** Writes `text` plus a newline to stdout, synchronously. */
  writeStdout(text: string): void;
  /** Calls `handler` on SIGINT, SIGTERM and SIGHUP (instead of the default immediate exit). */
  onStopSignal(handler: (signal: StopSignal) => void): void;
  /** Calls `handler` on an uncaught exception or unhandled rejection (instead of the runtime's default). */
  onFatal(handler: (error: unknown, kind: "uncaught exception" | "unhandled rejection") => void): void;
  /** Ends the process now. */
  exit(code: number): never;
  /** Reads a UTF-8 file. */
  readTextFile(path: string): Promise<string>;
}

/**
 * The current runtime's process services.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./config.ts";
 * declare function shutdown(signal: StopSignal): void;
 * const parsed = parseConfig({ args: runtime.args(), env: runtime.env() });
 * runtime.onStopSignal((signal) => shutdown(signal));
 * ```
 */
export const runtime: ProcessRuntime =
  typeof (globalThis as { Deno?: { exit?: unknown } }).Deno?.exit === "function" ? denoProcess : bunProcess;
