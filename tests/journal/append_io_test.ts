/**
 * The journal file's write channel, per runtime: the bytes that land, the fallback to `node:fs` when the
 * path holds another file than the one open, the background fsync, and the UTF-8 encoder against
 * `TextEncoder` (lone surrogates included).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { join } from "node:path";
import { encodeUtf8, lineBuffer, openAppendChannel, type WriteFn } from "../../lib/journal/_append_io.ts";
import { JournalFile } from "../../lib/journal/_file.ts";
import { withDir } from "./_helpers.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** How many of this process's descriptors are open on `path` (Linux: /proc/self/fd). */
function openFds(path: string): number {
  let n = 0;
  for (const fd of fs.readdirSync("/proc/self/fd")) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // Closed while listing (the directory's own descriptor).
    }
  }
  return n;
}

test("append channel: every write lands at the end of the open file, in order", async () => {
  await withDir((dir) => {
    const path = join(dir, "journal-000001.log");
    const fd = fs.openSync(path, "ax", 0o600);
    const before = openFds(path);
    const channel = openAppendChannel(path, fd, fs.fstatSync(fd).ino);
    // Deno writes through a file of its own; elsewhere the node descriptor is used.
    assert.equal(openFds(path), before + ("Deno" in globalThis ? 1 : 0));
    const buf = bytes("xxfirst\nsecond\nyy");
    assert.equal(channel.write(fd, buf, 2, 6), 6);
    assert.equal(channel.write(fd, buf, 8, 7), 7);
    // A write after the file was cut back through the node descriptor lands at the new end.
    fs.ftruncateSync(fd, 6);
    assert.equal(channel.write(fd, bytes("third\n"), 0, 6), 6);
    channel.close();
    assert.equal(openFds(path), before);
    fs.closeSync(fd);
    assert.equal(fs.readFileSync(path, "utf8"), "first\nthird\n");
  });
});

test("append channel: another file at the path is never written; the open one is", async () => {
  await withDir((dir) => {
    const path = join(dir, "journal-000001.log");
    const fd = fs.openSync(path, "ax", 0o600);
    const ino = fs.fstatSync(fd).ino;
    fs.renameSync(path, join(dir, "moved.log"));
    fs.writeFileSync(path, "");
    const channel = openAppendChannel(path, fd, ino);
    assert.equal(channel.write(fd, bytes("line\n"), 0, 5), 5);
    channel.close();
    fs.closeSync(fd);
    assert.equal(fs.readFileSync(join(dir, "moved.log"), "utf8"), "line\n");
    assert.equal(fs.readFileSync(path, "utf8"), "");
  });
});

test("append channel: an injected write call is the one used", async () => {
  await withDir((dir) => {
    const path = join(dir, "journal-000001.log");
    const fd = fs.openSync(path, "ax", 0o600);
    const seen: number[] = [];
    const write: WriteFn = (f, buffer, offset, length) => {
      seen.push(length);
      return fs.writeSync(f, buffer, offset, Math.min(length, 3));
    };
    const channel = openAppendChannel(path, fd, fs.fstatSync(fd).ino, write);
    const line = bytes("abcdef\n");
    let done = 0;
    while (done < line.length) done += channel.write(fd, line, done, line.length - done);
    channel.close();
    fs.closeSync(fd);
    assert.deepEqual(seen, [7, 4, 1]);
    assert.equal(fs.readFileSync(path, "utf8"), "abcdef\n");
  });
});

test("append channel: the background fsync reports success, and an error on a closed channel", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "journal-000001.log");
    const fd = fs.openSync(path, "ax", 0o600);
    const channel = openAppendChannel(path, fd, fs.fstatSync(fd).ino);
    channel.write(fd, bytes("x\n"), 0, 2);
    const ok = await new Promise<Error | null>((resolve) => channel.fsyncInBackground(resolve));
    assert.equal(ok, null);
    channel.close();
    fs.closeSync(fd);
    const failed = await new Promise<Error | null>((resolve) => channel.fsyncInBackground(resolve));
    assert.ok(failed instanceof Error, "fsync of a closed file reports an error");
  });
});

test("append channel: a full device's error reaches the writer (ENOSPC from /dev/full)", () => {
  const fd = fs.openSync("/dev/full", "a");
  const channel = openAppendChannel("/dev/full", fd, fs.fstatSync(fd).ino);
  try {
    assert.throws(() => channel.write(fd, bytes("line\n"), 0, 5), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(`${(e as { code?: string }).code ?? ""} ${e.name} ${e.message}`, /ENOSPC|no space/i);
      return true;
    });
  } finally {
    channel.close();
    fs.closeSync(fd);
  }
});

test("journal file: a write the device refuses throws, and nothing is counted as written", async () => {
  await withDir((dir) => {
    // The journal's file name, pointing at a device that refuses every write (ENOSPC).
    fs.symlinkSync("/dev/full", join(dir, "journal-000001.log"));
    const file = JournalFile.create(dir, 1);
    try {
      assert.equal(file.existed, true);
      assert.throws(() => file.append("", '{"t":"intent","cid":"f1"}', 0x12345678), /ENOSPC|no space/i);
      assert.equal(file.bytes, 0);
    } finally {
      file.close();
    }
  });
});

test("encodeUtf8: the bytes TextEncoder gives, at any offset, for every UTF-8 width and lone surrogates", () => {
  const pieces = ["a", "~", "é", "߿", "ࠀ", "€", "￿", "😀", "\ud800", "\udc00", '"', "\n"];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let round = 0; round < 500; round++) {
    let text = "";
    const length = Math.floor(next() * 40);
    for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)]!;
    const at = Math.floor(next() * 5);
    const buf = lineBuffer(at + text.length * 3 + 1);
    const n = encodeUtf8(text, buf, at);
    const want = new TextEncoder().encode(text);
    assert.equal(n, want.length, JSON.stringify(text));
    assert.deepEqual([...buf.subarray(at, at + n)], [...want], JSON.stringify(text));
  }
});
