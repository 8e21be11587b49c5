/**
 * The file the journal's warm-up writes to: `journal-warm.tmp` beside the journal's files, on the same file
 * system, written the way the journal is (the same runtime channel, `_append_io.ts`).
 *
 * Why a second file: at a trader's pace (one order every 5 ms, the process asleep in between) the intent's
 * `write` system call is the largest cold part of an order's journal work. A write of zero bytes to the
 * journal's own file (`JournalFile.warm`) returns before the kernel's buffered-write path; a real write of the
 * intent's line, to a file that no recovery reads, runs all of it: page cache, copy, dirty page, file times
 * (bench/README.md, thirteenth round). The file never grows past {@linkcode SCRATCH_LIMIT}: it is cut back to
 * empty when it would. It holds a canned order, never a secret, is created 0600 and is deleted on close; a
 * leftover of a killed process is reused at the next start and is never read.
 *
 * @module
 */

import * as fs from "node:fs";
import { join } from "node:path";
import { type AppendChannel, openAppendChannel, type WriteFn } from "./_append_io.ts";

/** The scratch file's name in the journal's directory (not a journal file's name: recovery never reads it). */
export const SCRATCH_NAME = "journal-warm.tmp";
/** Bytes the scratch file may hold before it is cut back to empty: the same 16 pages are written over and over. */
export const SCRATCH_LIMIT = 64 * 1024;

/**
 * An open scratch file for the journal's warm-up.
 *
 * @example
 * ```ts
 * const scratch = WarmScratch.open("./lightning-data/custom");
 * scratch?.write(new TextEncoder().encode("line\n"), 5);
 * scratch?.close(); // closed and deleted
 * ```
 */
export class WarmScratch {
  readonly path: string;
  readonly #fd: number;
  readonly #channel: AppendChannel;
  #bytes: number;
  #closed = false;

  private constructor(path: string, fd: number, write: WriteFn | undefined) {
    this.path = path;
    this.#fd = fd;
    const st = fs.fstatSync(fd);
    this.#bytes = st.size;
    this.#channel = openAppendChannel(path, fd, st.ino, write);
  }

  /**
   * Opens (creating it 0600, or reusing a leftover) the scratch file in `dir`, written with `write` when given
   * (the journal's fault injection), or undefined when it cannot be opened: the warm-up then goes without it.
   */
  static open(dir: string, write?: WriteFn): WarmScratch | undefined {
    const path = join(dir, SCRATCH_NAME);
    let fd: number | undefined;
    try {
      fd = fs.openSync(path, "a", 0o600); // O_APPEND: after a cut back to empty, writes start at 0 again
      fs.fchmodSync(fd, 0o600);
      return new WarmScratch(path, fd, write);
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      return undefined;
    }
  }

  /**
   * Writes the first `length` bytes of `buffer`, after cutting the file back to empty if they would take it
   * past {@linkcode SCRATCH_LIMIT}. Returns the bytes written; 0 when the write failed (a warm-up reports
   * nothing).
   */
  write(buffer: Uint8Array, length: number): number {
    try {
      if (this.#bytes + length > SCRATCH_LIMIT) {
        fs.ftruncateSync(this.#fd, 0);
        this.#bytes = 0;
      }
      const n = this.#channel.write(this.#fd, buffer, 0, length);
      this.#bytes += n;
      return n;
    } catch {
      return 0;
    }
  }

  /** Closes the file and deletes it, once (its descriptor's number may belong to another file later). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.close();
    try {
      fs.closeSync(this.#fd);
    } catch {
      // Already closed.
    }
    try {
      fs.rmSync(this.path, { force: true });
    } catch {
      // The directory is gone or read-only: a leftover is harmless.
    }
  }
}
