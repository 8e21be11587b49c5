/**
 * One router per journal: a lock file holding the owner's pid. Two routers appending to the same journal
 * would each reconcile and checkpoint the other's orders away; the second start is refused instead. A lock
 * left by a process that no longer exists (a crash, kill -9) is taken over.
 *
 * The directory is made 0700 and the lock file 0600, whatever the umask: the data directory tells what was
 * traded.
 *
 * @module
 */

import * as fs from "node:fs";
import process from "node:process";
import { join } from "node:path";

/**
 * Takes the lock in `dir`; returns a release function. Throws, naming the directory and the pid that holds
 * it, when another live process has it.
 *
 * @example
 * ```ts
 * const release = lockDataDir("./lightning-data/production");
 * // … run …
 * release();
 * ```
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    fs.chmodSync(dir, 0o700); // an existing directory too
  } catch {
    // Not ours to change (or no POSIX modes): the files in it are 0600 still.
  }
  const path = join(dir, "router.lock");
  if (held.has(path)) {
    throw new Error(`${dir} is in use by another router (pid ${process.pid}, this process)`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(path, "wx", 0o600);
      try {
        fs.fchmodSync(fd, 0o600);
        fs.writeSync(fd, String(process.pid));
      } finally {
        fs.closeSync(fd);
      }
      held.add(path);
      return () => {
        if (held.delete(path)) fs.rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(path, "utf8").trim());
      // Our own pid in a lock we do not hold is a reused pid (e.g. pid 1 in a container): stale.
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`${dir} is in use by another router (pid ${pid})`);
      }
      fs.rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`${dir}: cannot take the lock ${path}`);
}

/** Locks held by this process (a second router in the same process is refused too). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}
