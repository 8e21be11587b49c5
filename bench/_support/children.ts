/**
 * Child processes of the benchmarks (simulator, gateway, HTTP floor, per-runtime bench scripts): spawned with
 * node:child_process (the same code runs on Deno, Bun and Node), their output kept, and every one of them
 * killed when the parent exits, however it exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { RuntimeName } from "./runtime.ts";

/** The repository root. */
export const REPO: string = fileURLToPath(new URL("../../", import.meta.url));

/** A running child. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the first output line matching `re`; rejects on timeout or exit. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Writes to the child's stdin. */
  write(text: string): void;
  /** Everything the child printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooked = false;

function killEverything(): void {
  for (const proc of live) {
    try {
      proc.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  live.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", killEverything);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      killEverything();
      process.exit(130);
    });
  }
}

/** Options of {@linkcode spawnChild}. */
export interface SpawnOptions {
  env?: Record<string, string>;
  /** Let the child print straight to this process's stdout/stderr (and keep nothing). */
  inherit?: boolean;
  cwd?: string;
}

/** Starts `command args…` in the repository root. */
export function spawnChild(name: string, command: string, args: string[], options: SpawnOptions = {}): Child {
  hookExit();
  const proc = spawn(command, args, {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdio: options.inherit ? ["pipe", "inherit", "inherit"] : ["pipe", "pipe", "pipe"],
  });
  live.add(proc);
  let text = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: string) => {
    text += chunk;
    if (text.length > 4_000_000) text = text.slice(-2_000_000);
    for (const w of [...waiters]) w();
  };
  proc.stdout?.setEncoding("utf8");
  proc.stderr?.setEncoding("utf8");
  proc.stdout?.on("data", onData);
  proc.stderr?.on("data", onData);
  proc.stdin?.on("error", () => {}); // a child that exits first closes its stdin: not our error
  let exitValue: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    proc.on("exit", (code, signal) => {
      live.delete(proc);
      exitValue = code ?? signal ?? "unknown";
      for (const w of [...waiters]) w();
      resolve(exitValue);
    });
    proc.on("error", (e) => {
      live.delete(proc);
      exitValue = `spawn error: ${e.message}`;
      for (const w of [...waiters]) w();
      resolve(exitValue);
    });
  });
  return {
    name,
    pid: proc.pid ?? -1,
    exited,
    output: () => text,
    write: (s) => {
      proc.stdin?.write(s);
    },
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(text);
          if (m) {
            done();
            resolve(m);
          } else if (exitValue !== undefined) {
            done();
            reject(new Error(`${name} exited (${exitValue}) before printing ${re}:\n${text.slice(-3000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name} did not print ${re} within ${timeoutMs} ms:\n${text.slice(-3000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 3000) {
      if (exitValue !== undefined) return;
      try {
        proc.stdin?.end();
        proc.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          proc.kill("SIGKILL");
        } catch { /* already gone */ }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The command line that runs TypeScript `script` (relative to the repo) on `runtime`, with extra flags. */
export function runtimeCommand(
  runtime: Exclude<RuntimeName, "node">,
  script: string,
  flags: string[] = [],
): [string, string[]] {
  return runtime === "deno" ? ["deno", ["run", "-A", ...flags, script]] : ["bun", [...flags, script]];
}
