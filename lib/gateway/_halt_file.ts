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
import { isHaltReason } from "../router/halt_reason.ts";

/** The file's name in the data directory. */
export const HALT_FILE = "halt.json";

/**
 * What the halt file holds: the lasting halt reasons, and the daily loss breaker's trip (`LossBreaker`'s key:
 * the UTC day and the limits it tripped for), so a breaker an operator resumed from does not trip again at a
 * restart on the same crossing.
 *
 * @example
 * ```ts
 * const kept: KeptHalt = { reasons: ["news"], dailyLossTripped: "2026-12-07|500|false" };
 * ```
 */
export interface KeptHalt {
  reasons: string[];
  /** Of `reasons`, those of the kill switch (`halt`): orders still resting are cancelled again at start. */
  cancelling?: string[];
  dailyLossTripped?: string;
}

/**
 * What a run left in `dir`'s halt file: nothing when there is no file. A file that is not what this module
 * writes (or holds a reason `POST /halt` would refuse) is one reason naming it: orders stay held until an
 * operator has looked and resumes.
 *
 * @example
 * ```ts
 * const { reasons } = readKeptHalt("./lightning-data/production"); // e.g. ["news"]
 * ```
 */
export function readKeptHalt(dir: string): KeptHalt {
  const path = join(dir, HALT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    // Nothing there: not halted. A link to nothing is something there, and unreadable.
    if (code === "ENOENT" && !exists(path)) return { reasons: [] };
    return { reasons: [`${HALT_FILE} unreadable (${code ?? "error"}); POST /resume once checked`] };
  }
  try {
    const parsed = JSON.parse(text) as
      | { reasons?: unknown; cancelling?: unknown; dailyLossTripped?: unknown }
      | null;
    const reasons = parsed?.reasons;
    const cancelling = parsed?.cancelling;
    const tripped = parsed?.dailyLossTripped;
    if (
      Array.isArray(reasons) && reasons.every((r) => typeof r === "string" && isHaltReason(r, 2000)) &&
      (cancelling === undefined ||
        (Array.isArray(cancelling) && cancelling.every((r) => reasons.includes(r)))) &&
      (tripped === undefined || typeof tripped === "string")
    ) {
      const kept: KeptHalt = { reasons };
      if (cancelling !== undefined && cancelling.length > 0) kept.cancelling = cancelling as string[];
      if (tripped !== undefined) kept.dailyLossTripped = tripped;
      return kept;
    }
  } catch { /* reported below */ }
  return {
    reasons: [`${HALT_FILE} damaged (not the halt list this router writes); POST /resume once checked`],
  };
}

/** Whether anything is at `path` (a dangling link included). */
function exists(path: string): boolean {
  try {
    fs.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `kept` as `dir`'s halt file (0600), or removes the file when it holds nothing. Returns the error's
 * message when the directory cannot be written (the journal reports that directory's failure too), else
 * undefined.
 *
 * @example
 * ```ts
 * const failed = writeKeptHalt("./lightning-data/production", { reasons: ["news"] });
 * if (failed !== undefined) console.error(failed);
 * ```
 */
export function writeKeptHalt(dir: string, kept: KeptHalt): string | undefined {
  const path = join(dir, HALT_FILE);
  try {
    if (kept.reasons.length === 0 && kept.dailyLossTripped === undefined) {
      fs.rmSync(path, { force: true });
      return undefined;
    }
    const temporary = `${path}.tmp`;
    const fd = fs.openSync(temporary, "w", 0o600);
    try {
      fs.fchmodSync(fd, 0o600); // whatever the umask, and a file an older run left
      fs.writeSync(fd, JSON.stringify({ ...kept, at: new Date().toISOString() }) + "\n");
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
  readonly killSwitchHalts: readonly string[];
  holdNewOrders(reason: string, options: { lasting: true; killSwitch: boolean }): void;
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
  /** What is in the file, as written last (JSON; undefined before `restore`). */
  #written: string | undefined;
  #reasons: readonly string[] = [];
  #cancelling: readonly string[] = [];
  #dailyLossTripped: string | undefined;

  /** `failed` is told when the file cannot be written (a restart would not find the halt). */
  constructor(dir: string, failed: (error: string) => void) {
    this.#dir = dir;
    this.#failed = failed;
  }

  /** Holds new orders again for every reason the last run left; returns them. */
  restore(router: KeptRouter): string[] {
    const kept = readKeptHalt(this.#dir);
    const cancelling = kept.cancelling ?? [];
    for (const reason of kept.reasons) {
      router.holdNewOrders(reason, { lasting: true, killSwitch: cancelling.includes(reason) }); // not written meanwhile
    }
    this.#reasons = kept.reasons;
    this.#cancelling = cancelling;
    this.#dailyLossTripped = kept.dailyLossTripped;
    this.#written = this.#text();
    return kept.reasons;
  }

  /**
   * The kill-switch reasons the last run left (see `restore`): the gateway calls `halt` with each once it has
   * started, so orders its halt could not cancel (a cancel lost with the link, a late place) are cancelled.
   */
  get cancelling(): readonly string[] {
    return this.#cancelling;
  }

  /** The daily loss breaker's trip (its key: the last run's, then this run's), if any. */
  get dailyLossTripped(): string | undefined {
    return this.#dailyLossTripped;
  }

  /** Records the daily loss breaker's trip (its key), or its re-arming (undefined). */
  set dailyLossTripped(key: string | undefined) {
    this.#dailyLossTripped = key;
    this.#write();
  }

  /** Writes `router`'s lasting halts if they changed since the last write (nothing before `restore`). */
  changed(router: KeptRouter): void {
    this.#reasons = router.lastingHalts;
    this.#cancelling = router.killSwitchHalts;
    this.#write();
  }

  #text(): string {
    return JSON.stringify([this.#reasons, this.#cancelling, this.#dailyLossTripped ?? null]);
  }

  #write(): void {
    if (this.#written === undefined) return;
    const text = this.#text();
    if (text === this.#written) return;
    const kept: KeptHalt = { reasons: [...this.#reasons] };
    if (this.#cancelling.length > 0) kept.cancelling = [...this.#cancelling];
    if (this.#dailyLossTripped !== undefined) kept.dailyLossTripped = this.#dailyLossTripped;
    const error = writeKeptHalt(this.#dir, kept);
    if (error === undefined) this.#written = text;
    else this.#failed(error);
  }
}
