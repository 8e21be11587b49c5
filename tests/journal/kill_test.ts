import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { fill, journalFiles, until, withDir } from "./_helpers.ts";

const WRITER = fileURLToPath(new URL("./_crash_writer.ts", import.meta.url));
/** Fills the writer keeps: fewer than it writes, so the kept ones roll over through rotations. */
const FILLS_KEPT = 300;

/** The runtime running this test, running the crash writer on `dir`. */
function startWriter(dir: string) {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const [cmd, args] = deno !== undefined
    ? [deno.execPath(), ["run", "--allow-read", "--allow-write", "--allow-env", WRITER, dir, `${FILLS_KEPT}`]]
    : [process.execPath, [WRITER, dir, `${FILLS_KEPT}`]];
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (s: string) => stderr += s);
  const exited = new Promise<string | number | null>((resolve) =>
    child.on("close", (code, signal) => resolve(signal ?? code))
  );
  return { child, stderr: () => stderr, exited };
}

/** The highest `sent N` the writer reported: every intent below N had been written when it said so. */
function lastSent(stderr: string): number {
  let n = 0;
  for (const m of stderr.matchAll(/sent (\d+)\n/g)) n = Math.max(n, Number(m[1]));
  return n;
}

test(
  "kill -9 mid-burst: every intent the writer had returned from is recovered, and the newest fills",
  { timeout: 60_000 },
  async () => {
    await withDir(async (dir) => {
      const writer = startWriter(dir);
      try {
        // Still writing (and rotating every few hundred orders) when the signal lands.
        await until(() => lastSent(writer.stderr()) >= 3000 || writer.child.exitCode !== null);
        writer.child.kill("SIGKILL");
        assert.equal(await writer.exited, "SIGKILL", writer.stderr());
      } finally {
        writer.child.kill("SIGKILL");
      }
      const sent = lastSent(writer.stderr());
      assert.ok(sent >= 3000, writer.stderr());

      const { journal, recovery } = OrderJournal.open({ dir, fillsKept: FILLS_KEPT });
      journal.close();
      const unresolved = new Set(recovery.unresolved.map((r) => r.cid));
      assert.equal(unresolved.size, recovery.unresolved.length, "one intent per order");
      const missing: string[] = [];
      for (let i = 0; i < sent; i++) {
        // Acked NEW (open) and unanswered orders must all be there; FILLED ones may be, if the ack was buffered.
        if (i % 3 !== 0 && !unresolved.has(`crash-${i}`)) missing.push(`crash-${i}`);
      }
      assert.deepEqual(missing, []);
      // Fills are written before appendFill returns: the newest kept ones are every third trade id up to one
      // at or past the last fill reported sent, without a gap, each once.
      const newest = recovery.fills.at(-1)?.tradeId ?? -1;
      assert.ok(newest >= Math.floor((sent - 1) / 3) * 3, `newest fill ${newest}, sent ${sent}`);
      const ids = Array.from({ length: FILLS_KEPT }, (_, k) => newest - 3 * (FILLS_KEPT - 1 - k));
      const expected = ids.map((i) => fill(i, { orderId: i + 1, clientOrderId: `crash-${i}` }));
      assert.deepEqual(recovery.fills, expected);
      // A kill can cut a multi-page write short, and then only as the very last line of the newest file.
      for (const c of recovery.corrupt) assert.match(c.reason, /^truncated last line/, JSON.stringify(c));
      // The restart compacted everything into a single file.
      assert.equal(journalFiles(dir).length, 1);
    });
  },
);
