/**
 * Test fixture: writes N order intents (acking two of every three) to a journal in the directory given, says
 * so on stderr, then waits to be killed with SIGKILL, never closing the journal.
 */
import process from "node:process";
import { OrderJournal } from "../../lib/journal/mod.ts";

const [dir, count] = process.argv.slice(2);
const { journal } = OrderJournal.open({ dir: dir!, fsyncIntervalMs: 1_000_000 });
for (let i = 0; i < Number(count); i++) {
  journal.appendIntent(`crash-${i}`, "order.place", { symbol: "BTCUSDT", side: "BUY", quantity: "0.002" });
  if (i % 3 !== 2) journal.appendAck(`crash-${i}`, i + 1, "NEW");
}
process.stderr.write(`wrote ${count}\n`);
setInterval(() => {}, 1000);
