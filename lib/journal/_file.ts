/**
 * One append-only journal file: the `write` loop, `fsync`, and the directory operations around rotation.
 *
 * `append` returns only once every byte is in the OS (a short write is resumed), so what it wrote survives
 * the death of the process. A write that fails part-way is cut back off the file (it was never reported
 * written); if even that fails, the next write starts on a fresh line so that only the torn fragment is lost,
 * not the good record written after it.
 *
 * Files are created 0600 whatever the umask. `lost` tells whether the open file is still the one at its path
 * (a deleted file keeps taking writes that no restart will ever read).
 *
 * @module
 */

import * as fs from "node:fs";
import { join } from "node:path";
import { type AppendChannel, encodeUtf8, lineBuffer, openAppendChannel, type WriteFn } from "./_append_io.ts";
import { crc32 } from "./_crc32.ts";
import { MappedAppend } from "./_mapped_append.ts";
import { mappedMarkerJson } from "./records.ts";
import type { WarmScratch } from "./_warm_scratch.ts";

const NAME = /^journal-(\d{6,})\.log$/;

/**
 * The name of journal file number `seq`.
 *
 * @example
 * ```ts
 * journalFileName(7); // "journal-000007.log"
 * ```
 */
export function journalFileName(seq: number): string {
  return `journal-${String(seq).padStart(6, "0")}.log`;
}

/**
 * The journal files in `dir` with their sequence numbers, oldest first.
 *
 * @example
 * ```ts
 * listJournalFiles("./data"); // [{ name: "journal-000001.log", seq: 1 }]
 * ```
 */
export function listJournalFiles(dir: string): { name: string; seq: number }[] {
  const out: { name: string; seq: number }[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = NAME.exec(name);
    if (m !== null) out.push({ name, seq: Number(m[1]) });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * Makes the directory's entries (a created or deleted file) durable. Best effort: some platforms cannot open
 * a directory for fsync, and there the file system's own ordering is all there is.
 *
 * @example
 * ```ts
 * fsyncDir("./data");
 * ```
 */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Not supported here (Windows): nothing more can be done.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Hex digits as bytes, for writing a line's checksum straight into the output buffer. */
const HEX = new TextEncoder().encode("0123456789abcdef");
/** The reusable output buffer's size; a bigger write (a large checkpoint) gets a buffer of its own. */
const BUFFER_BYTES = 64 * 1024;

/**
 * An open journal file.
 *
 * Text goes out through one reused byte buffer, encoded and written the runtime's cheapest way
 * (`_append_io.ts`): writing a string directly makes the runtime allocate a fresh buffer per call, which costs
 * Deno about 0.5 µs per order.
 *
 * @example
 * ```ts
 * const f = JournalFile.create("./data", 1);
 * f.append("", '{"t":"unknown","ts":1,"cid":"a","reason":"timeout"}', 0x12345678);
 * f.fsync();
 * f.close();
 * ```
 */
export class JournalFile {
  readonly path: string;
  /** The file existed before `create` (it was not made here, so it is neither chmodded nor deleted). */
  readonly existed: boolean;
  readonly #fd: number;
  readonly #channel: AppendChannel;
  /** The file's identity when opened, to tell it from another file put at its path later. */
  readonly #ino: number;
  readonly #dev: number;
  #buf: Uint8Array = lineBuffer(BUFFER_BYTES);
  /** Bytes written to the file by `append`. */
  bytes = 0;
  /** Where the file ends as far as this object knows: its size when opened plus every byte that landed since. */
  #end: number;
  /** A write failed part-way and could not be cut back: the file may end inside a line. */
  #torn = false;

  private constructor(
    path: string,
    fd: number,
    existed: boolean,
    write: WriteFn | undefined,
    mapped: boolean,
  ) {
    this.path = path;
    this.#fd = fd;
    this.existed = existed;
    const st = fs.fstatSync(fd);
    this.#ino = st.ino;
    this.#dev = st.dev;
    this.#end = st.size;
    this.#channel = mapped
      ? new MappedAppend(path, st.ino, st.size)
      : openAppendChannel(path, fd, st.ino, write);
    if (mapped && st.size === 0) {
      // First, the record that tells recovery this file's NUL tail is room, not lost records.
      const json = mappedMarkerJson(Date.now());
      try {
        this.append("", json, crc32(json));
      } catch (e) {
        this.#channel.close();
        throw e;
      }
    }
  }

  /**
   * Creates file number `seq` in `dir`, mode 0600 (appending if it somehow exists, mode left alone). `mapped`:
   * written through a mapping of the file (`_mapped_append.ts`; Bun on Linux), not with `write` calls.
   */
  static create(dir: string, seq: number, write?: WriteFn, mapped = false): JournalFile {
    const path = join(dir, journalFileName(seq));
    let fd: number;
    let existed = false;
    try {
      fd = fs.openSync(path, "ax", 0o600); // O_APPEND: a write cut back with ftruncate leaves no hole
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e;
      fd = fs.openSync(path, "a");
      existed = true;
    }
    try {
      // The umask may have taken bits off the mode given; nothing is added to 0600 either way.
      if (!existed) fs.fchmodSync(fd, 0o600);
      return new JournalFile(path, fd, existed, write, mapped);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /**
   * Undefined while the open file is the one at `path`; otherwise what became of it: "deleted" (no name
   * left, e.g. `rm`, or `rm -rf` of the directory), "replaced" (another file at the path), "moved" (still
   * linked somewhere, but not at the path). Never throws: a failing `fstat` says nothing.
   */
  lost(): "deleted" | "replaced" | "moved" | undefined {
    let nlink: number;
    try {
      nlink = fs.fstatSync(this.#fd).nlink;
    } catch {
      return undefined;
    }
    if (nlink === 0) return "deleted";
    try {
      const st = fs.statSync(this.path);
      return st.ino === this.#ino && st.dev === this.#dev ? undefined : "replaced";
    } catch {
      return "moved";
    }
  }

  /** Deletes the file at `path` if it is still this one (never another file put there since). */
  removeIfSame(): void {
    try {
      const st = fs.statSync(this.path);
      if (st.ino === this.#ino && st.dev === this.#dev) fs.rmSync(this.path);
    } catch {
      // Gone already, or not ours to delete.
    }
  }

  /**
   * Encodes the line of `json` (checksum `crc`) into the output buffer as `append` does, then makes a write of
   * none of its bytes: the write's way through the runtime and the kernel, down to this file, is taken and the
   * file is left as it was (POSIX: a write of zero bytes to a regular file has "no other results"; no byte,
   * no size, no time changes). Then, with a `scratch` file, the line itself is written there: the kernel's
   * buffered-write path, which a write of nothing does not reach. A file written through a mapping takes no
   * system call and has no scratch file: its channel touches where the next record goes instead (a page the
   * periodic fsync left read-only takes its fault here, not on the order's path). The journal's part of the
   * order path's warm-up. Returns the line's length, or 0 when nothing was done (a line longer than the
   * buffer) or the write failed: a warm-up reports nothing.
   */
  warm(json: string, crc: number, scratch?: WarmScratch): number {
    const buf = this.#buf;
    if (json.length * 3 + 11 > buf.length) return 0;
    // The line's four steps as `append` writes them (a helper there would be one more call per order).
    let n = 0;
    for (let shift = 28; shift >= 0; shift -= 4) buf[n++] = HEX[(crc >>> shift) & 15]!;
    buf[n++] = 0x20;
    n += encodeUtf8(json, buf, n);
    buf[n++] = 0x0a;
    const channel = this.#channel;
    if (channel.warm !== undefined) return n + channel.warm();
    try {
      channel.write(this.#fd, buf, 0, 0);
    } catch {
      return 0;
    }
    scratch?.write(buf, n);
    return n;
  }

  /**
   * Writes `text` (complete lines), then, if `json` is not empty, the line of `json` whose CRC-32 is `crc`,
   * all in one `write`. Returns once every byte is in the OS; throws on an I/O error (`bytes` still counts
   * what did get written).
   */
  append(text: string, json: string, crc: number): void {
    const torn = this.#torn;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit; + newline before, checksum, space, newline after.
    const max = (text.length + json.length) * 3 + 11;
    let buf = this.#buf;
    if (max > buf.length) {
      buf = max <= 4 * BUFFER_BYTES ? (this.#buf = lineBuffer(max)) : lineBuffer(max);
    }
    let n = 0;
    if (torn) buf[n++] = 0x0a; // end the torn fragment, so the next good line is not glued to it
    if (text !== "") n += encodeUtf8(text, buf, n);
    if (json !== "") {
      for (let shift = 28; shift >= 0; shift -= 4) buf[n++] = HEX[(crc >>> shift) & 15]!;
      buf[n++] = 0x20;
      n += encodeUtf8(json, buf, n);
      buf[n++] = 0x0a;
    }
    let done = 0;
    try {
      // A short write (a signal, a nearly full disk) is resumed until everything is out.
      while (done < n) done += this.#channel.write(this.#fd, buf, done, n - done);
    } catch (e) {
      // A mapped write copies all or nothing, and the file's size is not where its data ends: nothing to cut.
      if (this.#channel.mapped === true) throw e;
      const landed = this.#landed(done);
      if (landed > 0 && !this.#cutBack()) {
        this.#torn = true;
        this.bytes += landed;
        this.#end += landed;
      } else if (torn) this.#torn = true;
      throw e;
    }
    this.#torn = false;
    this.bytes += done;
    this.#end += done;
  }

  /**
   * How many bytes of a failed write are in the file: `done` (what the write calls returned), or more when
   * the runtime wrote part of it and then threw without saying how much (Deno's `writeSync` on a disk that
   * fills up mid-write).
   */
  #landed(done: number): number {
    try {
      return Math.max(done, fs.fstatSync(this.#fd).size - this.#end);
    } catch {
      return done;
    }
  }

  /** Takes a failed write's bytes back off the end of the file; false if it cannot. */
  #cutBack(): boolean {
    try {
      fs.ftruncateSync(this.#fd, this.#end);
      return true;
    } catch {
      return false;
    }
  }

  /** Work the channel can do ahead of the next records (a mapped file moves its window), off the order path. */
  prepare(): void {
    this.#channel.prepare?.();
  }

  /** Flushes the file to the device. */
  fsync(): void {
    fs.fsyncSync(this.#fd);
    this.#channel.warm?.(); // a mapped file's page, made read-only by the write-back, writable again
  }

  /**
   * Flushes the file to the device on the runtime's I/O thread pool: the periodic fsync takes milliseconds on
   * a real disk, and must not stall the event loop that carries orders.
   */
  fsyncInBackground(done: (error: Error | null) => void): void {
    this.#channel.fsyncInBackground(done);
  }

  /** Closes the file; errors are ignored (there is nothing left to do with it). */
  close(): void {
    this.#channel.close();
    try {
      fs.closeSync(this.#fd);
    } catch {
      // Already closed or the device is gone.
    }
  }
}
