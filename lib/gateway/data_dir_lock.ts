/**
 * One router per journal: a lock file holding the owner's pid. Two routers appending to the same journal
 * would each reconcile and checkpoint the other's orders away; the second start is refused instead. A lock
 * left by a process that no longer exists (a crash, kill -9) is taken over (how a live owner is told from a
 * dead one on each runtime: `_lock_owner.ts`).
 *
 * The lock is checked while the router runs: a lock file deleted (by hand, or with its directory) would let a
 * second router start on the same journal, so it is written again as soon as the directory is there; a lock
 * found holding another live router's pid is reported (the gateway holds new orders).
 *
 * The directory is made 0700 and the lock file 0600, whatever the umask: the data directory tells what was
 * traded.
 *
 * @module
 */

import * as fs from "node:fs";
import process from "node:process";
import { join } from "node:path";
import { createLock, type HeldLock, liveOwner, readLock, touchLock } from "./_lock_owner.ts";

/**
 * What {@linkcode DataDirLock.check} found: the lock in place (`held`), written again after it was found
 * missing (`retaken`), missing and not written again yet (`missing`: its directory is gone, and is never
 * created here; taken again once it is back), or holding another live process's pid.
 *
 * @example
 * ```ts
 * const found: LockCheck = { other: 4242 };
 * ```
 */
export type LockCheck = "held" | "retaken" | "missing" | { other: number };

/**
 * The data directory's lock, taken at start and kept while the router runs.
 *
 * @example
 * ```ts
 * const lock = DataDirLock.take("./lightning-data/production");
 * // … every second, while running:
 * const found = lock.check();
 * if (typeof found === "object") console.error(`pid ${found.other} took the data directory`);
 * lock.release();
 * ```
 */
export class DataDirLock {
  readonly #dir: string;
  readonly #path: string;
  /** The OS lock kept on the file (Deno), or a no-op. */
  #os: HeldLock;
  #released = false;

  private constructor(dir: string, path: string, os: HeldLock) {
    this.#dir = dir;
    this.#path = path;
    this.#os = os;
  }

  /**
   * Takes the lock in `dir` (made 0700, created if missing). Throws, naming the directory and the pid that
   * holds it, when another live process has it.
   */
  static take(dir: string): DataDirLock {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    makePrivate(dir);
    const path = join(dir, "router.lock");
    if (held.has(path)) {
      throw new Error(`${dir} is in use by another router (pid ${process.pid}, this process)`);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const os = createLock(path);
      if (os !== undefined) {
        held.add(path);
        return new DataDirLock(dir, path, os);
      }
      const pid = liveOwner(path);
      if (pid !== undefined) throw new Error(`${dir} is in use by another router (pid ${pid})`);
      fs.rmSync(path, { force: true }); // stale: its owner is gone
    }
    throw new Error(`${dir}: cannot take the lock ${path}`);
  }

  /** The lock file's path. */
  get path(): string {
    return this.#path;
  }

  /**
   * Checks that the lock file is still this process's, and writes it again if it is gone (the directory made
   * 0700 again: a directory put back by hand gets the mode a start would give it). Never throws: a failure to
   * write it is tried again at the next check.
   */
  check(): LockCheck {
    if (this.#released) return "held";
    // Read every time (a stat would not do: the next file created reuses the inode, within the same ms).
    if (readLock(this.#path).pid === process.pid) {
      touchLock(this.#path);
      return "held";
    }
    if (!fs.existsSync(this.#dir)) return "missing";
    try {
      if (fs.existsSync(this.#path)) {
        const other = liveOwner(this.#path);
        if (other !== undefined) return { other };
        fs.rmSync(this.#path, { force: true }); // names no live process: ours again
      }
      const os = createLock(this.#path);
      if (os !== undefined) {
        this.#os.close(); // the lock of the file that was deleted
        this.#os = os;
        makePrivate(this.#dir);
        return "retaken";
      }
    } catch {
      // Tried again at the next check.
    }
    return "missing";
  }

  /** Removes the lock file (if it is still this process's). Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (!held.delete(this.#path)) return;
    // Another router's now (or gone): not ours to delete.
    if (readLock(this.#path).pid === process.pid) fs.rmSync(this.#path, { force: true });
    this.#os.close();
  }
}

/** Locks held by this process (a second router in the same process is refused too). */
const held = new Set<string>();

function makePrivate(dir: string): void {
  try {
    fs.chmodSync(dir, 0o700); // an existing directory too
  } catch {
    // Not ours to change (or no POSIX modes): the files in it are 0600 still.
  }
}
