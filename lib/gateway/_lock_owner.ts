/**
 * Who owns a lock file, on each runtime: how the owner writes and holds it, and how another process tells a
 * live owner from a dead one.
 *
 * A signal-0 probe of the pid written in the file answers where the runtime allows it (Bun, Node, Deno with
 * --allow-run). Deno without --allow-run (`deno task start`) may not probe a pid nor read /proc, so there the
 * owner also holds an OS lock (flock) on the file for as long as it runs, marked by `flock` after the pid:
 * the kernel drops it when the owner dies, even by kill -9. An owner that holds no OS lock (Bun) keeps the
 * file's mtime fresh instead (`touchLock`, every check), which is what such a prober reads.
 *
 * @module
 */

import * as fs from "node:fs";
import process from "node:process";

/** A lock file with no OS lock and an mtime older than this is stale to a prober that cannot probe a pid. */
export const STALE_LOCK_MS = 5000;

/** The part of Deno's API used here (structural: this file also loads on Bun). */
interface DenoFile {
  tryLockSync(exclusive?: boolean): boolean;
  unlockSync(): void;
  writeSync(data: Uint8Array): number;
  close(): void;
}
interface DenoFs {
  openSync(
    path: string,
    options: { read?: boolean; write?: boolean; createNew?: boolean; mode?: number },
  ): DenoFile;
}

/** Deno's file API, or undefined on other runtimes: chosen once at load. */
const deno = (globalThis as { Deno?: DenoFs }).Deno;

/**
 * What the owner keeps while it runs: its OS lock, dropped by `close` (nothing on runtimes without one).
 *
 * @example
 * ```ts
 * const held: HeldLock | undefined = createLock("./data/router.lock");
 * held?.close();
 * ```
 */
export interface HeldLock {
  /** Drops the OS lock, if any. Idempotent. */
  close(): void;
}

/**
 * Creates the lock file at `path` (0600, whatever the umask) holding this process's pid, and on Deno an OS lock
 * on it. Undefined when a file is at the path already; throws on other errors.
 *
 * @example
 * ```ts
 * const held = createLock("./data/router.lock");
 * if (held === undefined) console.error("somebody's lock is there");
 * ```
 */
export function createLock(path: string): HeldLock | undefined {
  return deno === undefined ? createPlain(path) : createFlocked(deno, path);
}

/**
 * The pid in the lock file at `path` if it is another live process's; else undefined (this process's, stale,
 * missing or unreadable).
 *
 * @example
 * ```ts
 * const pid = liveOwner("./data/router.lock");
 * if (pid !== undefined) throw new Error(`in use by pid ${pid}`);
 * ```
 */
export function liveOwner(path: string): number | undefined {
  const { pid, flock } = readLock(path);
  // Our own pid in a lock we do not hold is a reused pid (e.g. pid 1 in a container): stale.
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  const probed = probePid(pid);
  if (probed !== undefined) return probed ? pid : undefined;
  if (flock && deno !== undefined) return lockedElsewhere(deno, path) ? pid : undefined;
  return fresh(path) ? pid : undefined;
}

/**
 * The pid written in the lock file at `path` (NaN when it is missing or names none), and whether its owner
 * holds an OS lock on it.
 *
 * @example
 * ```ts
 * const { pid } = readLock("./data/router.lock");
 * ```
 */
export function readLock(path: string): { pid: number; flock: boolean } {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8").trim();
  } catch {
    return { pid: NaN, flock: false };
  }
  const space = text.indexOf(" ");
  return space < 0
    ? { pid: Number(text), flock: false }
    : { pid: Number(text.slice(0, space)), flock: text.slice(space + 1) === "flock" };
}

/**
 * Marks the lock file at `path` as kept alive now (its mtime): what a prober that can neither probe a pid nor
 * find an OS lock reads. Never throws.
 *
 * @example
 * ```ts
 * touchLock("./data/router.lock");
 * ```
 */
export function touchLock(path: string): void {
  try {
    const now = new Date();
    fs.utimesSync(path, now, now);
  } catch {
    // Gone: the next check writes it again.
  }
}

function createPlain(path: string): HeldLock | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, "wx", 0o600);
  } catch (e) {
    if ((e as { code?: string }).code === "EEXIST") return undefined;
    throw e;
  }
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, String(process.pid));
  } finally {
    fs.closeSync(fd);
  }
  return { close() {} };
}

function createFlocked(api: DenoFs, path: string): HeldLock | undefined {
  let file: DenoFile;
  try {
    file = api.openSync(path, { write: true, createNew: true, mode: 0o600 });
  } catch (e) {
    if ((e as Error).name === "AlreadyExists" || (e as { code?: string }).code === "EEXIST") return undefined;
    throw e;
  }
  try {
    file.tryLockSync(true); // a new file: nobody else can hold it yet
    file.writeSync(new TextEncoder().encode(`${process.pid} flock`));
  } catch (e) {
    file.close();
    throw e;
  }
  let open = true;
  return {
    close() {
      if (!open) return;
      open = false;
      file.close(); // drops the lock
    },
  };
}

/** Whether `pid` exists, by a signal-0 probe; undefined when the runtime refuses the probe. */
function probePid(pid: number): boolean | undefined {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ESRCH") return false;
    if (code === "EPERM") return true; // another user's process: alive
    return undefined;
  }
}

/** Whether another process holds the OS lock on the file at `path`. */
function lockedElsewhere(api: DenoFs, path: string): boolean {
  let file: DenoFile;
  try {
    file = api.openSync(path, { read: true });
  } catch {
    return false; // gone
  }
  try {
    if (!file.tryLockSync(true)) return true;
    file.unlockSync();
    return false;
  } finally {
    file.close();
  }
}

/** Whether the file at `path` was kept alive within {@linkcode STALE_LOCK_MS}. */
function fresh(path: string): boolean {
  try {
    return Date.now() - fs.statSync(path).mtimeMs < STALE_LOCK_MS;
  } catch {
    return false;
  }
}
