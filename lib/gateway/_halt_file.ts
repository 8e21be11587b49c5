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

/** What {@linkcode HaltKeeper} needs of a router. */
export interface KeptRouter {
  readonly lastingHalts: readonly string[];
  holdNewOrders(reason: string, options: { lasting: true }): void;
}

/**
 * A gateway's halt file: restores the halts a run left at start, then writes the lasting halt reasons each
 * time a halt or resume changes them.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const keeper = new HaltKeeper("./lightning-data/production", (e) => console.error(e));
 * const carried = keeper.restore(router); // the reasons held again, e.g. ["news"]
 * // on every "halted" or "resumed" router event:
 * keeper.changed(router);
 * ```
 */
export class HaltKeeper {
  readonly #dir: string;
  readonly #failed: (error: string) => void;
  /** The reasons in the file, as written last (joined by newlines; "" for none). */
  #kept: string | undefined;

  /** `failed` is told when the file cannot be written (a restart would not find the halt). */
  constructor(dir: string, failed: (error: string) => void) {
    this.#dir = dir;
    this.#failed = failed;
  }

  /** Holds new orders again for every reason the last run left; returns them. */
  restore(router: KeptRouter): string[] {
    const carried = readHeldReasons(this.#dir);
    for (const reason of carried) router.holdNewOrders(reason, { lasting: true }); // not written back meanwhile
    this.#kept = carried.join("\n");
    return carried;
  }

  /** Writes `router`'s lasting halts if they changed since the last write (nothing before `restore`). */
  changed(router: KeptRouter): void {
    if (this.#kept === undefined) return;
    const held = router.lastingHalts;
    const text = held.join("\n");
    if (text === this.#kept) return;
    const error = writeHeldReasons(this.#dir, held);
    if (error === undefined) this.#kept = text;
    else this.#failed(error);
  }
}
