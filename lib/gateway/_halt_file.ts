/**
 * The kill switch, kept across a restart: `halt.json` in the data directory lists the reasons of the halts in
 * force (an operator's, a risk breaker's: `Router.lastingHalts`). A router halted for news that crashes, or
 * that systemd restarts, comes back halted with the same reasons until an operator resumes. Holds for a
 * condition (a journal failure, an IP ban, reconciling, shutting down) are not kept: the next start finds the
 * condition again, or not.
 *
 * Written whole to a temporary file, then renamed over the old one, so a crash mid-write leaves one or the
 * other. A file that cannot be read is itself a reason to hold: it may have said "halted".
 *
 * @module
 */

import * as fs from "node:fs";
import { join } from "node:path";

/** The file's name in the data directory. */
export const HALT_FILE = "halt.json";

/**
 * The reasons a run left in `dir`'s halt file: none when there is no file. A file that is not what this module
 * writes is one reason naming it (orders stay held until an operator has looked and resumes).
 *
 * @example
 * ```ts
 * const reasons = readHeldReasons("./lightning-data/production"); // e.g. ["news"]
 * ```
 */
export function readHeldReasons(dir: string): string[] {
  const path = join(dir, HALT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT") return [];
    return [`${HALT_FILE} unreadable (${code ?? "error"}); POST /resume once checked`];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const reasons = (parsed as { reasons?: unknown } | null)?.reasons;
    if (Array.isArray(reasons) && reasons.every((r) => typeof r === "string" && r.length > 0)) {
      return reasons as string[];
    }
  } catch { /* reported below */ }
  return [`${HALT_FILE} damaged (not the halt list this router writes); POST /resume once checked`];
}

/**
 * Writes `reasons` as `dir`'s halt file (0600), or removes the file when there are none. Returns the error's
 * message when the directory cannot be written (the journal reports that directory's failure too), else
 * undefined.
 *
 * @example
 * ```ts
 * const failed = writeHeldReasons("./lightning-data/production", ["news"]);
 * if (failed !== undefined) console.error(failed);
 * ```
 */
export function writeHeldReasons(dir: string, reasons: readonly string[]): string | undefined {
  const path = join(dir, HALT_FILE);
  try {
    if (reasons.length === 0) {
      fs.rmSync(path, { force: true });
      return undefined;
    }
    const temporary = `${path}.tmp`;
    const fd = fs.openSync(temporary, "w", 0o600);
    try {
      fs.fchmodSync(fd, 0o600); // whatever the umask, and a file an older run left
      fs.writeSync(fd, JSON.stringify({ reasons, at: new Date().toISOString() }) + "\n");
      fs.fsyncSync(fd); // a halt is rare: durable before it counts
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, path);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
