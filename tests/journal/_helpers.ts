/** Shared test helpers: temporary journal directories and reading their files raw. */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fill } from "../../lib/account/fills.ts";

/** A typical order's params. */
export const PLACE = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000" };

/** A fill of order `lr-<tradeId>`, trade `tradeId`, with `changes` on top. */
export function fill(tradeId: number, changes: Partial<Fill> = {}): Fill {
  return {
    symbol: "BTCUSDT",
    orderId: 1000 + tradeId,
    clientOrderId: `lr-${tradeId}`,
    tradeId,
    side: "BUY",
    price: "50000.1",
    qty: "0.002",
    commission: "0.04",
    commissionAsset: "USDT",
    realizedProfit: "0",
    maker: tradeId % 2 === 0,
    time: 1_700_000_000_000 + tradeId,
    ...changes,
  };
}

/** Runs `body` with a fresh temporary directory, removed afterwards whatever happens. */
export async function withDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(join(tmpdir(), "lr-journal-"));
  try {
    await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The journal files in `dir` (sorted names), other files included when `all`. */
export function journalFiles(dir: string, all = false): string[] {
  return fs.readdirSync(dir).filter((f) => all || /^journal-\d+\.log$/.test(f)).sort();
}

/** Every line of every journal file in `dir`, oldest first, without newlines. */
export function journalLines(dir: string): string[] {
  return journalFiles(dir).flatMap((f) => fs.readFileSync(join(dir, f), "utf8").split("\n").filter((l) => l));
}

/** Polls `check` until it holds (no deadline of its own: the test's timeout bounds it). */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
