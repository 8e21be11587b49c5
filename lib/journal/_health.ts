/**
 * The journal's failure state: what went wrong while it ran (a write, fsync or rotation that failed, its
 * file deleted, replaced or moved), kept while it lasts, and told to whoever listens once per distinct
 * problem, so a full disk is one alarm, not one per order.
 *
 * A problem lasts until the journal shows it is over: a write failure until a write succeeds, a rotation
 * failure until a rotation succeeds, a lost file until it is rewritten; an fsync failure until the journal is
 * reopened (after one, what the kernel dropped is unknown; a restart writes everything afresh). A problem
 * that comes back after it was over is told again.
 *
 * @module
 */

import { constants } from "node:os";
import { basename } from "node:path";

/**
 * One problem, in two forms.
 *
 * @example
 * ```ts
 * const p: JournalProblem = {
 *   problem: "journal write failed on /srv/lr/journal-000003.log: ENOSPC: no space left on device, write",
 *   reason: "journal write failed (ENOSPC) on journal-000003.log",
 * };
 * ```
 */
export interface JournalProblem {
  /** What happened, with the file's path: for the log (it is told once). */
  problem: string;
  /** The same without any directory: for a halt reason or an HTTP answer. */
  reason: string;
}

/**
 * `OrderJournal.health()`.
 *
 * @example
 * ```ts
 * const h: JournalHealth = { ok: false, problem: "journal write failed on /srv/lr/journal-000003.log: ENOSPC",
 *   reason: "journal write failed (ENOSPC) on journal-000003.log", writeErrors: 3 };
 * ```
 */
export interface JournalHealth {
  /** No problem lasts (see the module doc): intents are written, and durable as configured. */
  ok: boolean;
  /** The oldest lasting problem, with its path (see {@linkcode JournalProblem}). */
  problem?: string;
  /** The oldest lasting problem without any directory. */
  reason?: string;
  /** Failed writes, fsyncs and rotations since `open` (each retry that fails counts). */
  writeErrors: number;
}

/** A listener of problems. */
export type ProblemListener = (problem: JournalProblem) => void;

/** What failed: a problem of one kind lasts until that kind of work succeeds again. */
export type ProblemKind = "write" | "fsync" | "rotation" | "lost";

/** Problems kept for a listener added late. */
const HISTORY = 100;

/**
 * Problems seen, those that last, and their listeners.
 *
 * @example
 * ```ts
 * const log = new ProblemLog();
 * log.listen((p) => console.error(p.problem));
 * log.report("write", "write:ENOSPC", { problem: "journal write failed on /x: ENOSPC", reason: "write failed" });
 * log.over("write");
 * log.health(1).ok; // true
 * ```
 */
export class ProblemLog {
  /** The lasting problem of each kind, and the key it was told under. */
  readonly #active = new Map<ProblemKind, { key: string; problem: JournalProblem }>();
  readonly #history: JournalProblem[] = [];
  readonly #listeners = new Set<ProblemListener>();

  /** The journal's health, with its count of failed writes. */
  health(writeErrors: number): JournalHealth {
    const oldest = this.#active.values().next();
    return oldest.done ? { ok: true, writeErrors } : { ok: false, ...oldest.value.problem, writeErrors };
  }

  /**
   * A problem of `kind` that lasts until `over(kind)`. Listeners hear of it unless the lasting problem of that
   * kind has the same `key` (told already).
   */
  report(kind: ProblemKind, key: string, problem: JournalProblem): void {
    if (this.#active.get(kind)?.key === key) return;
    this.#active.set(kind, { key, problem });
    this.#tell(problem);
  }

  /** Something that went wrong and is over already (a lost file, rewritten): told, not kept as lasting. */
  notice(problem: JournalProblem): void {
    this.#tell(problem);
  }

  /** Work of these kinds succeeded: their problems, if any, are over. */
  over(...kinds: ProblemKind[]): void {
    if (this.#active.size !== 0) { for (const kind of kinds) this.#active.delete(kind); }
  }

  /**
   * The journal file at `path` was found `how` (deleted, replaced, moved), then rewritten into a new file or
   * not (`error`). Reported (lasting until rewritten) or told (over already). Returns, while it lasts, the
   * message intents are refused with (no directory in it).
   */
  lost(path: string, how: string, outcome: { rewritten: string } | { error: unknown }): string | undefined {
    const { key, problem, refusal } = lostProblem(path, how, outcome);
    if (refusal !== undefined) {
      this.report("lost", key, problem);
      return refusal;
    }
    this.over("lost");
    this.notice(problem);
    return undefined;
  }

  /** Adds a listener, telling it at once of the problems told before (the latest 100); returns its removal. */
  listen(listener: ProblemListener): () => void {
    this.#listeners.add(listener);
    for (const problem of this.#history) tell(listener, problem);
    return () => void this.#listeners.delete(listener);
  }

  #tell(problem: JournalProblem): void {
    if (this.#history.push(problem) > HISTORY) this.#history.shift();
    for (const listener of this.#listeners) tell(listener, problem);
  }
}

/** A listener's own bug must not break the journal. */
function tell(listener: ProblemListener, problem: JournalProblem): void {
  try {
    listener(problem);
  } catch { /* ignored */ }
}

/**
 * The problem for a failed `what` (write, fsync, rotation) on `path`, and the key it is told once under (what
 * and the error code: a second ENOSPC is the same problem, an EIO after it is another).
 *
 * @example
 * ```ts
 * const { key, problem } = ioProblem("write", "/srv/lr/journal-000003.log", new Error("ENOSPC: no space"));
 * ```
 */
export function ioProblem(
  what: "write" | "fsync" | "rotation",
  path: string,
  error: unknown,
): { key: string; problem: JournalProblem } {
  const e = error instanceof Error ? error : new Error(String(error));
  const id = errorCode(e) ?? e.name;
  return {
    key: `${what}:${id}`,
    problem: {
      problem: `journal ${what} failed on ${path}: ${e.message}`,
      reason: `journal ${what} failed (${id}) on ${basename(path)}`,
    },
  };
}

/**
 * The problem for a journal file found gone from its path (`how`), after the attempt to rewrite the journal
 * into a new file: `rewritten` is that file's path, or `error` why it failed. Also the message intents are
 * refused with meanwhile (no path).
 *
 * @example
 * ```ts
 * lostProblem("/srv/lr/journal-000003.log", "deleted", { rewritten: "/srv/lr/journal-000004.log" });
 * ```
 */
export function lostProblem(
  path: string,
  how: string,
  outcome: { rewritten: string } | { error: unknown },
): { key: string; problem: JournalProblem; refusal?: string } {
  const long = `journal file ${path} was ${how} while open`;
  const short = `journal file ${basename(path)} was ${how} while running`;
  if ("rewritten" in outcome) {
    return {
      key: `lost:${path}:rewritten`,
      problem: {
        problem: `${long}; rewritten from memory to ${outcome.rewritten}`,
        reason: `${short}; rewritten from memory to ${basename(outcome.rewritten)}`,
      },
    };
  }
  const e = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
  const id = errorCode(e) ?? e.name;
  return {
    key: `lost:${path}`,
    problem: {
      problem: `${long}; cannot rewrite it: ${e.message}`,
      reason: `${short}; cannot be rewritten (${id})`,
    },
    refusal: `order journal: ${short} and cannot be rewritten (${id})`,
  };
}

/**
 * An I/O error's code ("ENOSPC"), also when the runtime gave it none but put the OS error number in the
 * message (Deno, for errors it does not map: "File too large (os error 27)" → "EFBIG"); else undefined.
 *
 * @example
 * ```ts
 * errorCode(new Error("File too large (os error 27)")); // "EFBIG" (on Linux)
 * errorCode(Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" })); // "ENOSPC"
 * ```
 */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return code;
  const errno = /\(os error (\d+)\)/.exec(error instanceof Error ? error.message : "")?.[1];
  if (errno === undefined) return undefined;
  return Object.entries(constants.errno as Record<string, number>).find(([, n]) => n === Number(errno))?.[0];
}
