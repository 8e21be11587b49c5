/**
 * How a journal file's lines become bytes and reach the OS: one adapter per runtime, chosen once at load.
 *
 * - **Deno:** text is encoded by `TextEncoder.encodeInto` and written, and fsynced in the background, through
 *   a `Deno.FsFile` of its own (opened for appending on the same file). On Deno, `Buffer` and `node:fs` are
 *   JavaScript layers over the same calls, and with the caches cold, as they are once per order, each layer
 *   costs about 4 µs: an intent line took 10–15 µs through them and 5–8 µs this way (bench/README.md, tenth
 *   round).
 * - **Bun and Node:** `Buffer.write` and `fs.writeSync`, which are native there (3.5–3.8 µs cold on Bun; the
 *   Deno way was not faster).
 *
 * Everything else about the file (its identity, size, truncation, a synchronous fsync) goes through
 * `node:fs` on every runtime: those calls are rare.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import * as fs from "node:fs";

/**
 * The write system call: `fs.writeSync`'s (fd, buffer, offset, length) form. Replaceable for fault injection.
 *
 * @example
 * ```ts
 * import * as fs from "node:fs";
 * const write: WriteFn = (fd, buf, off, len) => fs.writeSync(fd, buf, off, len);
 * ```
 */
export type WriteFn = (fd: number, buffer: Uint8Array, offset: number, length: number) => number;

/** How one open journal file is written and fsynced in the background. */
export interface AppendChannel {
  /** Writes `length` bytes of `buffer` from `offset`; returns how many landed (a short write is possible). */
  readonly write: WriteFn;
  /** fsyncs the file off the event loop; `done` gets the error or null. */
  fsyncInBackground(done: (error: Error | null) => void): void;
  /** Closes what the channel opened itself (not the file's `node:fs` descriptor). */
  close(): void;
  /**
   * True for a channel that writes through a mapping of the file (`_mapped_append.ts`): its `write` copies
   * every byte or, failing, none, and the file's size is not where its data ends.
   */
  readonly mapped?: boolean;
  /** Work the channel can do ahead, off the order path (the journal's timer calls it). */
  prepare?(): void;
  /**
   * The order path's warm-up (`JournalFile.warm`) for a channel that writes no system call: touches where the
   * next record goes, changing nothing. Returns a number made from the work.
   */
  warm?(): number;
}

/** The part of `Deno.FsFile` used here. */
interface DenoFile {
  writeSync(bytes: Uint8Array): number;
  sync(): Promise<void>;
  statSync(): { ino: number | null; dev: number };
  close(): void;
}
type DenoOpen = (path: string, options: { append: boolean }) => DenoFile;
const denoOpenSync = (globalThis as { Deno?: { openSync?: DenoOpen } }).Deno?.openSync;

const encoder = new TextEncoder();

/**
 * A byte array of `bytes` that {@linkcode encodeUtf8} can write into on this runtime (a `Buffer` on Bun and
 * Node, a plain `Uint8Array` on Deno).
 *
 * @example
 * ```ts
 * const buf = lineBuffer(64 * 1024);
 * ```
 */
export const lineBuffer: (bytes: number) => Uint8Array = denoOpenSync !== undefined
  ? (bytes) => new Uint8Array(bytes)
  : (bytes) => Buffer.allocUnsafe(bytes);

/**
 * Writes `text` as UTF-8 into `buf` (from {@linkcode lineBuffer}) at `at` and returns the byte count. The
 * caller leaves room for 3 bytes per UTF-16 code unit; a lone surrogate becomes U+FFFD either way.
 *
 * @example
 * ```ts
 * const buf = lineBuffer(16);
 * encodeUtf8("héllo", buf, 0); // 6
 * ```
 */
export const encodeUtf8: (text: string, buf: Uint8Array, at: number) => number = denoOpenSync !== undefined
  ? (text, buf, at) => encoder.encodeInto(text, at === 0 ? buf : buf.subarray(at)).written
  : (text, buf, at) => (buf as Buffer).write(text, at, "utf8");

const nodeWrite: WriteFn = (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length);

/**
 * The channel for the file at `path`, open as `fd` (`node:fs`). `write` replaces the write call (tests inject
 * faults with it; it then goes through `fd`). On Deno, without one, the file is opened a second time for
 * appending; if that fails, or finds another file at the path than `fd`'s (identity `ino`), the channel
 * falls back to `node:fs`.
 *
 * @example
 * ```ts
 * import * as fs from "node:fs";
 * const fd = fs.openSync("./journal-000001.log", "a");
 * const channel = openAppendChannel("./journal-000001.log", fd, fs.fstatSync(fd).ino);
 * channel.write(fd, new TextEncoder().encode("line\n"), 0, 5);
 * channel.close();
 * fs.closeSync(fd);
 * ```
 */
export function openAppendChannel(path: string, fd: number, ino: number, write?: WriteFn): AppendChannel {
  if (write === undefined && denoOpenSync !== undefined) {
    const file = openDenoFile(denoOpenSync, path, ino);
    if (file !== undefined) return denoChannel(file);
  }
  return nodeChannel(fd, write ?? nodeWrite);
}

function openDenoFile(open: DenoOpen, path: string, ino: number): DenoFile | undefined {
  let file: DenoFile | undefined;
  try {
    file = open(path, { append: true });
    if (file.statSync().ino === ino) return file;
  } catch {
    // Fall back to node:fs, which has the file open already.
  }
  file?.close();
  return undefined;
}

function denoChannel(file: DenoFile): AppendChannel {
  return {
    write: (_fd, buffer, offset, length) =>
      file.writeSync(
        offset === 0 && length === buffer.length ? buffer : buffer.subarray(offset, offset + length),
      ),
    fsyncInBackground(done) {
      const failed = (e: unknown) => done(e instanceof Error ? e : new Error(String(e)));
      let syncing: Promise<void>;
      try {
        syncing = file.sync();
      } catch (e) {
        // A closed file may refuse at once. The error still goes to `done`, later, as node:fs reports it: a
        // throw here would leave the fsync schedule waiting for a callback that never comes.
        syncing = Promise.reject(e);
      }
      syncing.then(() => done(null), failed);
    },
    close() {
      try {
        file.close();
      } catch {
        // Already closed.
      }
    },
  };
}

function nodeChannel(fd: number, write: WriteFn): AppendChannel {
  return {
    write,
    fsyncInBackground(done) {
      fs.fsync(fd, done);
    },
    close() {},
  };
}
