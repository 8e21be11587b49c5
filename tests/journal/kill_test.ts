import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { journalFiles, until, withDir } from "./_helpers.ts";

const WRITER = fileURLToPath(new URL("./_crash_writer.ts", import.meta.url));

/** The runtime running this test, running the crash writer on `dir`. */
function startWriter(dir: string) {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const [cmd, args] = deno !== undefined
    ? [deno.execPath(), ["run", "--allow-read", "--allow-write", "--allow-env", WRITER, dir]]
    : [process.execPath, [WRITER, dir]];
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
  "kill -9 mid-burst: every intent the writer had returned from is recovered",
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

      const { journal, recovery } = OrderJournal.open({ dir });
      journal.close();
      const unresolved = new Set(recovery.unresolved.map((r) => r.cid));
      assert.equal(unresolved.size, recovery.unresolved.length, "one intent per order");
      const missing: string[] = [];
      for (let i = 0; i < sent; i++) {
        // Acked NEW (open) and unanswered orders must all be there; FILLED ones may be, if the ack was buffered.
        if (i % 3 !== 0 && !unresolved.has(`crash-${i}`)) missing.push(`crash-${i}`);
      }
      assert.deepEqual(missing, []);
      // A kill can cut a multi-page write short, and then only as the very last line of the newest file.
      for (const c of recovery.corrupt) assert.match(c.reason, /^truncated last line/, JSON.stringify(c));
      // The restart compacted everything into a single file.
      assert.equal(journalFiles(dir).length, 1);
    });
  },
);
