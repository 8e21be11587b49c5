/**
 * A journal file written through a shared memory mapping (`JournalOptions.mapped`; Bun on Linux): a record is
 * copied into the file's pages in the OS's page cache, with no system call. That is what a `write` achieves
 * too (the bytes survive the death of the process, and the periodic `fsync` takes them to the device), but a
 * `write` costs 8–14 µs when the caches are cold, against 0.6–1.3 µs for the copy. The price: each fsync
 * makes the written pages read-only again, and under a steady 1,000 orders/s the Bun gateway used about 15 %
 * more CPU with it (bench/README.md, seventeenth round): an option, not the default.
 *
 * A mapping cannot reach past the end of the file, so the file is first extended with zero bytes (a `write`:
 * a full disk is an error there, not a crash when a page is touched) and a window of it is mapped. The file
 * being written thus ends in NUL bytes after its last line; `close` cuts them off, and recovery ignores NUL
 * bytes at the end of a file that a crash left open. `prepare` moves the window ahead before it runs out,
 * from the journal's timer, so the order path does not pay for it.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import process from "node:process";
import type { AppendChannel } from "./_append_io.ts";

type BunMmap = (path: string, options: { shared: boolean; offset: number; size: number }) => Uint8Array;
const bunMmap: BunMmap | undefined = (globalThis as { Bun?: { mmap?: BunMmap } }).Bun?.mmap;

/**
 * Why this process cannot write a journal through a mapping, or undefined when it can (Bun on Linux: Bun has
 * the mapping call, and Linux's `fsync` writes back pages written through a mapping).
 *
 * @example
 * ```ts
 * const why = mappedAppendUnsupported(); // e.g. "it needs Bun on Linux (this is Deno on linux)"
 * ```
 */
export function mappedAppendUnsupported(): string | undefined {
  if (bunMmap !== undefined && process.platform === "linux") return undefined;
  const runtime = bunMmap !== undefined ? "Bun" : "Deno" in globalThis ? "Deno" : "Node";
  return `it needs Bun on Linux (this is ${runtime} on ${process.platform})`;
}

/** Mapping offsets are multiples of this (a multiple of every page size Linux uses). */
const ALIGN = 64 * 1024;
/**
 * Bytes mapped at a time. A window left behind stays mapped until the collector frees its array (Bun has no
 * unmap call), its written pages counted in the process's RSS: with 1 MiB windows, touched ahead in full, the
 * Bun gateway's steady RSS under 1,000 orders/s read about 4 MB higher.
 *
 * @example
 * ```ts
 * MAPPED_WINDOW_BYTES; // 262144
 * ```
 */
export const MAPPED_WINDOW_BYTES = 256 * 1024;
const WINDOW = MAPPED_WINDOW_BYTES;
/** `prepare` moves the window once less than this is left in it. */
const HEADROOM = WINDOW / 4;
/** The page size of x86-64 and most arm64 Linux: the warm-up touches the page of the end and the next. */
const PAGE = 4096;
const ZEROS = Buffer.alloc(ALIGN);

/**
 * The append channel of one journal file, written through a mapping of it.
 *
 * @example
 * ```ts
 * import * as fs from "node:fs";
 * if (mappedAppendUnsupported() === undefined) {
 *   const fd = fs.openSync("./journal-000001.log", "a");
 *   const channel = new MappedAppend("./journal-000001.log", fs.fstatSync(fd).ino, 0);
 *   channel.write(fd, new TextEncoder().encode("line\n"), 0, 5);
 *   channel.close(); // the file is 5 bytes long again
 *   fs.closeSync(fd);
 * }
 * ```
 */
export class MappedAppend implements AppendChannel {
  readonly mapped = true;
  readonly #path: string;
  readonly #ino: number;
  /** A descriptor of its own, without O_APPEND: the zeros go at a position, and the cut at close. */
  readonly #fd: number;
  /** The file offset where the next byte goes: the journal's end of the file. */
  #at: number;
  /** The file's size: zeros are written up to here. */
  #size: number;
  /** The file offset of the window's first byte. */
  #base = 0;
  #window: Buffer | undefined = undefined;
  #closed = false;

  /** `end`: the file's size now (where writing continues); `ino`: the identity the file at `path` must have. */
  constructor(path: string, ino: number, end: number) {
    if (bunMmap === undefined) throw new Error(`journal mapping: ${mappedAppendUnsupported()}`);
    this.#path = path;
    this.#ino = ino;
    const fd = fs.openSync(path, "r+");
    if (fs.fstatSync(fd).ino !== ino) {
      fs.closeSync(fd);
      throw new Error("journal mapping: another file is at the journal's path");
    }
    this.#fd = fd;
    this.#at = end;
    this.#size = end;
  }

  /** The file offset where the next byte goes. */
  get end(): number {
    return this.#at;
  }

  /**
   * Copies `length` bytes of `buffer` (a `Buffer`) from `offset` to the end of the journal; returns `length`.
   * Throws, with nothing copied, when the window cannot be moved (the disk is full, the file was replaced).
   */
  write(_fd: number, buffer: Uint8Array, offset: number, length: number): number {
    let window = this.#window;
    let to = this.#at - this.#base;
    if (window === undefined || to + length > window.length) {
      window = this.#move(length);
      to = this.#at - this.#base;
    }
    (buffer as Buffer).copy(window, to, offset, offset + length);
    this.#at += length;
    return length;
  }

  /**
   * Writes back the byte where the next record goes (a NUL of the padding, or of a window not mapped yet:
   * nothing). The order path's warm-up: the page is in the core's caches and writable when a record comes,
   * also after the periodic fsync made it read-only. Returns that byte.
   */
  warm(): number {
    const window = this.#window;
    const to = this.#at - this.#base;
    if (window === undefined || to >= window.length) return 0;
    const byte = window[to]!;
    window[to] = byte;
    // The next page too: a record that crosses into it then takes no fault either.
    const next = to - (to % PAGE) + PAGE;
    if (next < window.length) window[next] = window[next]!;
    return byte;
  }

  /** Moves the window ahead if less than a quarter of it is left (off the order path: the journal's timer). */
  prepare(): void {
    const window = this.#window;
    if (this.#closed || (window !== undefined && this.#base + window.length - this.#at >= HEADROOM)) return;
    this.#move(0);
  }

  /**
   * fsyncs on the runtime's thread pool. Writing a page back to the device makes it read-only, and the next
   * write into it takes a fault that costs 25–30 µs (the file's times updated, a journal transaction): so
   * when the fsync is done the page where the next record goes is touched at once, off the order's path.
   */
  fsyncInBackground(done: (error: Error | null) => void): void {
    fs.fsync(this.#fd, (error) => {
      this.warm();
      done(error);
    });
  }

  /** Cuts the zeros off the end of the file and closes the channel's descriptor. The window is never used again. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#window = undefined;
    try {
      if (this.#size > this.#at) fs.ftruncateSync(this.#fd, this.#at);
    } catch {
      // The NUL bytes stay: recovery ignores them.
    }
    try {
      fs.closeSync(this.#fd);
    } catch {
      // Already closed.
    }
  }

  /** Maps a window from the page of the end onward with room for `length` more bytes, zeros written first. */
  #move(length: number): Buffer {
    if (this.#closed) throw new Error("journal mapping: the file is closed");
    const base = this.#at - (this.#at % ALIGN);
    const size = Math.max(WINDOW, Math.ceil((this.#at + length - base) / ALIGN) * ALIGN);
    const want = base + size;
    while (this.#size < want) {
      const n = Math.min(ZEROS.length, want - this.#size);
      this.#size += fs.writeSync(this.#fd, ZEROS, 0, n, this.#size);
    }
    if (fs.statSync(this.#path).ino !== this.#ino) {
      throw new Error("journal mapping: another file is at the journal's path");
    }
    const mapped = bunMmap!(this.#path, { shared: true, offset: base, size });
    if (fs.statSync(this.#path).ino !== this.#ino || mapped.byteLength < size) {
      throw new Error("journal mapping: the file at the journal's path changed while it was mapped");
    }
    this.#base = base;
    this.#window = Buffer.from(mapped.buffer, mapped.byteOffset, mapped.byteLength);
    this.warm(); // the pages of the end made writable now, not by the next record
    return this.#window;
  }
}
