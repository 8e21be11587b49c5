/**
 * Test fixture: writes order intents to a journal in the directory given, as fast as it can, until it is
 * killed (the test sends SIGKILL; the journal is never closed). After each batch it reports on stderr how many
 * intents `appendIntent` has returned for (`sent N`): every one of those must be recovered.
 *
 * Usage: `_crash_writer.ts DIR FILLS_KEPT`. Every FILLED order also gets its fill journaled (trade id `i`,
 * see `fill` in _helpers.ts): the newest FILLS_KEPT of them must be recovered.
 *
 * Files are tiny (8 KiB) so that rotations, with their checkpoints and deletions, happen all through the
 * burst; batches yield to the event loop so the timer's writes, fsyncs and rotations run too.
 *
 * Outcomes, by `i % 3`: 0 is acked FILLED (finished), 1 is acked NEW (open on the exchange), 2 is never
 * answered (in flight).
 */
import process from "node:process";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { fill } from "./_helpers.ts";

const [dir, kept] = process.argv.slice(2);
if (dir === undefined || kept === undefined) throw new Error("usage: _crash_writer.ts DIR FILLS_KEPT");
const { journal } = OrderJournal.open({
  dir,
  maxFileBytes: 8192,
  fsyncIntervalMs: 5,
  fillsKept: Number(kept),
});
const params = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000" };

let i = 0;
for (;;) {
  for (const end = i + 50; i < end; i++) {
    journal.appendIntent(`crash-${i}`, "order.place", params, "newClientOrderId");
    if (i % 3 === 0) {
      journal.appendAck(`crash-${i}`, i + 1, "FILLED");
      journal.appendFill(fill(i, { orderId: i + 1, clientOrderId: `crash-${i}` }));
    } else if (i % 3 === 1) journal.appendAck(`crash-${i}`, i + 1, "NEW");
  }
  process.stderr.write(`sent ${i}\n`);
  await new Promise((resolve) => setTimeout(resolve, 1));
}
