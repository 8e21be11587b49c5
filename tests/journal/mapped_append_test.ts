/**
 * The journal written through a mapping of its file (`JournalOptions.mapped`, Bun on Linux): the bytes land
 * in order across windows, the file is padded with NUL bytes while open and cut to its data at close, a
 * process killed mid-run leaves a file that recovery reads in full, and the gateway's `--journal-mapped`
 * works. Where the runtime cannot map (Deno), the option is refused with a message naming why.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import {
  MAPPED_WINDOW_BYTES,
  MappedAppend,
  mappedAppendUnsupported,
} from "../../lib/journal/_mapped_append.ts";
import { OrderJournal } from "../../lib/journal/order_journal.ts";
import { frameLine, intentJson, mappedMarkerJson } from "../../lib/journal/records.ts";
import { parseConfig } from "../../lib/cli/config.ts";
import { journalFiles, withDir } from "./_helpers.ts";

const unsupported = mappedAppendUnsupported();
const isBunOnLinux = "Bun" in globalThis && process.platform === "linux";
const buf = (text: string) => Buffer.from(text, "utf8");

test("mapped journal: offered exactly on Bun on Linux; elsewhere refused, naming why", async () => {
  assert.equal(unsupported === undefined, isBunOnLinux);
  if (isBunOnLinux) {
    const parsed = parseConfig({ args: ["--journal-mapped"], env: {} });
    assert.equal(parsed.kind, "run");
    if (parsed.kind === "run") assert.equal(parsed.config.journalMapped, true);
    return;
  }
  assert.match(unsupported!, /needs Bun on Linux \(this is (Deno|Node) on /);
  await withDir((dir) => {
    assert.throws(() => OrderJournal.open({ dir, mapped: true }), /journal mapped: it needs Bun on Linux/);
    assert.deepEqual(journalFiles(dir), []);
  });
  assert.throws(() => parseConfig({ args: ["--journal-mapped"], env: {} }), /--journal-mapped: it needs Bun/);
});

test("mapped journal: writes land in order across windows; NUL-padded while open, cut to the data at close", async () => {
  if (unsupported !== undefined) {
    assert.throws(() => new MappedAppend("/nonexistent", 0, 0), /journal mapping: it needs Bun on Linux/);
    return;
  }
  await withDir((dir) => {
    const path = join(dir, "journal-000001.log");
    fs.writeFileSync(path, "head\n", { mode: 0o600 });
    const fd = fs.openSync(path, "a");
    // Another file at the path than the one open is never mapped.
    assert.throws(
      () => new MappedAppend(path, fs.fstatSync(fd).ino + 1, 5),
      /another file is at the journal's path/,
    );
    const channel = new MappedAppend(path, fs.fstatSync(fd).ino, 5);
    let expected = "head\n";
    // 3 MiB of 300-byte lines: a dozen window moves, each inline (no `prepare` between).
    const line = "x".repeat(299) + "\n";
    const bytes = buf("..." + line + "...");
    for (let i = 0; i < 10_500; i++) {
      assert.equal(channel.write(fd, bytes, 3, line.length), line.length);
      expected += line;
    }
    assert.equal(channel.end, expected.length);
    const open = fs.readFileSync(path);
    assert.ok(open.length > expected.length, `padded while open: ${open.length} > ${expected.length}`);
    assert.equal(open.subarray(0, expected.length).toString("utf8"), expected);
    assert.ok(open.subarray(expected.length).every((b) => b === 0), "the padding is NUL bytes");
    channel.close();
    fs.closeSync(fd);
    assert.equal(fs.readFileSync(path, "utf8"), expected);
  });
});

test("mapped journal: prepare moves the window before it runs out, so the order's write maps nothing", async () => {
  if (unsupported !== undefined) {
    assert.equal(mappedAppendUnsupported(), unsupported);
    return;
  }
  await withDir((dir) => {
    const path = join(dir, "journal-000001.log");
    const fd = fs.openSync(path, "ax", 0o600);
    const channel = new MappedAppend(path, fs.fstatSync(fd).ino, 0);
    const chunk = buf("y".repeat(4095) + "\n");
    const pages = MAPPED_WINDOW_BYTES / 4096;
    // Fill the first window to 7/8: less than a quarter left.
    for (let i = 0; i < (pages * 7) / 8; i++) channel.write(fd, chunk, 0, chunk.length);
    assert.equal(fs.fstatSync(fd).size, MAPPED_WINDOW_BYTES);
    channel.prepare();
    assert.ok(fs.fstatSync(fd).size > MAPPED_WINDOW_BYTES, "prepare extended the file and moved the window");
    const size = fs.fstatSync(fd).size;
    for (let i = 0; i < pages / 4; i++) channel.write(fd, chunk, 0, chunk.length);
    assert.equal(fs.fstatSync(fd).size, size, "the writes after prepare extended nothing");
    channel.prepare(); // enough room left: nothing to do
    assert.equal(fs.fstatSync(fd).size, size);
    channel.close();
    fs.closeSync(fd);
    assert.equal(fs.statSync(path).size, ((pages * 9) / 8) * 4096);
  });
});

test("mapped journal: a process killed mid-run leaves every record it wrote for recovery", async () => {
  await withDir((dir) => {
    const journalDir = join(dir, "data");
    const script = join(dir, "writer.ts");
    const lib = resolve(import.meta.dirname ?? ".", "../../lib/journal");
    fs.writeFileSync(
      script,
      `import { OrderJournal } from ${JSON.stringify(join(lib, "order_journal.ts"))};
import { intentJson } from ${JSON.stringify(join(lib, "records.ts"))};
const { journal } = OrderJournal.open({ dir: ${
        JSON.stringify(journalDir)
      }, mapped: true, fsyncIntervalMs: 0 });
for (let i = 1; i <= 3; i++) {
  journal.appendIntent("lr-" + i, "order.place", { symbol: "BTCUSDT", side: "BUY", quantity: "0.001" }, "newClientOrderId");
}
journal.appendAck("lr-1", 7, "FILLED", { method: "order.place", symbol: "BTCUSDT" });
journal.flush();
process.kill(process.pid, "SIGKILL");
`,
    );
    const child = unsupported === undefined
      ? spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 })
      : undefined;
    if (child === undefined) {
      // Nothing to kill here: a file such a process leaves (padded with NUL bytes) is read as the same.
      fs.mkdirSync(journalDir);
      const lines = [1, 2, 3].map((i) =>
        intentJson(1, "lr-" + i, "order.place", { symbol: "BTCUSDT", newClientOrderId: "lr-" + i })
      );
      fs.writeFileSync(
        join(journalDir, "journal-000001.log"),
        frameLine(mappedMarkerJson(1)) + lines.map((json) => frameLine(json)).join("") + "\0".repeat(5000),
      );
    } else {
      assert.equal(child.signal, "SIGKILL", child.stderr);
      const files = journalFiles(journalDir);
      assert.deepEqual(files, ["journal-000001.log"]);
      const raw = fs.readFileSync(join(journalDir, files[0]!));
      assert.equal(raw[raw.length - 1], 0, "the killed process left its padding");
    }
    const { journal, recovery } = OrderJournal.open({ dir: journalDir });
    journal.close();
    const unresolved = recovery.unresolved.map((u) => u.cid).sort();
    assert.deepEqual(unresolved, child === undefined ? ["lr-1", "lr-2", "lr-3"] : ["lr-2", "lr-3"]);
    assert.equal(recovery.corrupt.length, 0, JSON.stringify(recovery.corrupt));
    assert.deepEqual(recovery.damage, []);
  });
});
