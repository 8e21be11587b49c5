/**
 * Spawns a TypeScript entry point on the runtime running the tests (`deno run …` / `bun …`) with a clean
 * environment: no BINANCE_* or ROUTER_* variable from the developer's shell can leak into the child.
 *
 * Deno children are spawned with `Deno.Command`: Deno's `node:child_process` reports a child that was sent
 * SIGTERM as killed by the signal even when the child handled it and exited 0.
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));

type Signal = "SIGTERM" | "SIGINT" | "SIGHUP" | "SIGKILL";

export interface Child {
  /** The child's process id. */
  readonly pid: number;
  kill(signal: Signal): void;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stderr; rejects after `timeoutMs` or when the child exits. */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the name of the signal that killed it); kills it after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | string>;
}

interface Raw {
  pid: number;
  kill(signal: Signal): void;
  exit: Promise<number | string>;
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(BINANCE_|ROUTER_)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

const DENO_RUN = ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write", "--allow-sys"];

function spawnDeno(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onOut: (s: string) => void,
  onErr: (s: string) => void,
): Raw {
  const child = new Deno.Command(command, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const pump = async (stream: ReadableStream<Uint8Array>, sink: (s: string) => void) => {
    const decoder = new TextDecoder();
    for await (const bytes of stream) sink(decoder.decode(bytes, { stream: true }));
  };
  const drained = Promise.all([pump(child.stdout, onOut), pump(child.stderr, onErr)]);
  return {
    pid: child.pid,
    kill: (signal) => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    },
    exit: child.status.then(async (s) => {
      await drained;
      return s.signal ?? s.code;
    }),
  };
}

function spawnNode(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onOut: (s: string) => void,
  onErr: (s: string) => void,
): Raw {
  const proc = spawn(command, args, {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.setEncoding("utf8");
  proc.stderr!.setEncoding("utf8");
  proc.stdout!.on("data", onOut);
  proc.stderr!.on("data", onErr);
  return {
    pid: proc.pid ?? -1,
    kill: (signal) => proc.kill(signal),
    exit: new Promise((resolve) => proc.on("close", (code, signal) => resolve(code ?? signal ?? -1))),
  };
}

/** The command line that runs a TypeScript entry point of the repo on the runtime running the tests. */
export function scriptCommand(script: string, args: string[]): { command: string; args: string[] } {
  const path = fileURLToPath(new URL(script, new URL("file://" + REPO)));
  const isDeno = "Deno" in globalThis;
  return {
    command: isDeno ? Deno.execPath() : process.execPath,
    args: isDeno ? [...DENO_RUN, path, ...args] : [path, ...args],
  };
}

/**
 * The router's command line: the compiled binary named by `LIGHTNING_BINARY` when it is set (CI exports the
 * binary it built, so the tests using this cover the shipped artefact), else main.ts on the runtime running
 * the tests. The arguments are the same either way.
 */
export function routerCommand(args: string[]): { command: string; args: string[] } {
  const binary = process.env.LIGHTNING_BINARY;
  return binary ? { command: binary, args } : scriptCommand("main.ts", args);
}

/** Runs a TypeScript entry point of the repo on the runtime running the tests. */
export function spawnScript(script: string, args: string[], env: Record<string, string> = {}): Child {
  const line = scriptCommand(script, args);
  return spawnProcess(line.command, line.args, REPO, env);
}

/** Runs an executable (the compiled binary) in `cwd` with a clean environment plus `env`. */
export function spawnProcess(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Child {
  let out = "";
  let err = "";
  let exitResult: number | string | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  const raw = ("Deno" in globalThis ? spawnDeno : spawnNode)(
    command,
    args,
    cwd,
    cleanEnv(env),
    (s) => out += s,
    (s) => {
      err += s;
      wake();
    },
  );
  const exit = raw.exit.then((r) => {
    exitResult = r;
    wake();
    return r;
  });
  return {
    pid: raw.pid,
    kill: raw.kill,
    stdout: () => out,
    stderr: () => err,
    waitForStderr(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`no ${re} in stderr after ${timeoutMs} ms:\n${err}`)),
          timeoutMs,
        );
        const check = () => {
          const m = re.exec(err);
          if (m) done(undefined, m);
          else if (exitResult !== undefined) {
            done(new Error(`child exited (${exitResult}) before ${re}:\n${err}`));
          }
        };
        const done = (e?: Error, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (e) reject(e);
          else resolve(m!);
        };
        waiters.add(check);
        check();
      });
    },
    exited(timeoutMs = 30_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          raw.kill("SIGKILL");
          reject(new Error(`child did not exit within ${timeoutMs} ms:\n${err}`));
        }, timeoutMs);
      });
      return Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
    },
  };
}
