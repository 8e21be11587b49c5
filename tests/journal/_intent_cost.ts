/**
 * Measures what `appendIntent` costs per order on the runtime running it (not a test: no thresholds):
 *
 *   deno run -A tests/journal/_intent_cost.ts
 *   bun tests/journal/_intent_cost.ts
 *
 * Prints the median of 7 rounds for: the bare `write` system call of an intent-sized line (the floor), the
 * intent alone, and an intent followed by its ack (steady state, where outcomes ride along with the next
 * intent's write). Fsync stays on its 20 ms timer, which a synchronous loop never yields to: this is the
 * cost on the order's path, not the disk's.
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { CANNED_ORDER } from "../../lib/wire/canned_order.ts";

const N = 100_000;
const params = { ...CANNED_ORDER, positionSide: undefined, recvWindow: 5000 };
const cids = Array.from({ length: N }, (_, i) => `lr-u1rj8i8q-xvp4o-${i}`);

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}

/** ns per iteration of `body` over N orders, median of 7 rounds, each on a fresh journal directory. */
function measure(body: (journal: OrderJournal, fd: number, i: number) => void): number {
  const rounds: number[] = [];
  for (let round = 0; round < 8; round++) {
    const dir = fs.mkdtempSync(join(tmpdir(), "lr-cost-"));
    const { journal } = OrderJournal.open({ dir });
    const fd = fs.openSync(join(dir, "raw.log"), "a");
    const t0 = performance.now();
    for (let i = 0; i < N; i++) body(journal, fd, i);
    const ns = (performance.now() - t0) * 1e6 / N;
    if (round > 0) rounds.push(ns); // round 0 warms the JIT up
    journal.close();
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return median(rounds);
}

const line = new TextEncoder().encode(`cbf43926 ${JSON.stringify({ t: "intent", cid: cids[0], params })}\n`);
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const results = {
  "write syscall alone (floor)": measure((_, fd) => fs.writeSync(fd, line, 0, line.length)),
  "appendIntent": measure((j, _, i) => j.appendIntent(cids[i]!, "order.place", params, "newClientOrderId")),
  "appendIntent + appendAck": measure((j, _, i) => {
    j.appendIntent(cids[i]!, "order.place", params, "newClientOrderId");
    j.appendAck(cids[i]!, i, "NEW");
  }),
};
for (const [name, ns] of Object.entries(results)) {
  console.log(`${runtime}  ${name.padEnd(28)} ${(ns / 1000).toFixed(2)} µs`);
}
