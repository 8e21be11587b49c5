/**
 * The gateway with a damaged or lost journal: it never forgets a live order, and it stops taking new orders
 * loudly instead of trading on as if all were well.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Gateway, type GatewayEvent } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { HMAC_KEY, HMAC_SECRET, restingBuy, simulator, waitFor } from "../router/_harness.ts";

function open(sim: Simulator, dataDir: string, events: GatewayEvent[] = []): Promise<Gateway> {
  return Gateway.open({
    url: sim.url,
    restUrl: sim.httpUrl,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    dataDir,
    requestTimeoutMs: 2000,
    onEvent: (e) => void events.push(e),
  });
}

const logs = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".log"));

test("journal damage: a flipped intent line is found, kept, and every live order is still tracked; new orders held", async () => {
  const sim = await simulator();
  const dir = mkdtempSync(join(tmpdir(), "lr-damage-"));
  const first = await open(sim, dir);
  const a = await first.router.placeOrder(restingBuy());
  const b = await first.router.placeOrder(restingBuy({ price: "50100" }));
  await first.close();
  // Flip two bytes inside a's intent line (its ack line, later in the file, stays intact).
  const file = join(dir, logs(dir)[0]!);
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l) => l.includes('"t":"intent"') && l.includes(a.clientOrderId));
  assert.ok(i >= 0, "the intent line is in the journal");
  lines[i] = lines[i]!.replace('"side":"BUY"', '"side":"BUZ"').replace('"quantity"', '"quantitx"');
  writeFileSync(file, lines.join("\n"));

  const events: GatewayEvent[] = [];
  const second = await open(sim, dir, events);
  try {
    assert.match(second.router.halted ?? "", /journal damaged/);
    assert.ok(events.some((e) => e.type === "journal-damaged"));
    assert.ok(readdirSync(dir).some((f) => f.endsWith(".corrupt")), "the damaged file is kept");
    for (const o of [a, b]) {
      await waitFor(
        () => second.tracker.get(o.clientOrderId)?.status === "NEW",
        `${o.clientOrderId} tracked`,
      );
    }
    const report = await second.halt("after damage");
    assert.deepEqual(report.canceled.sort(), [a.clientOrderId, b.clientOrderId].sort());
    assert.deepEqual(sim.orders().map((o) => o.status), ["CANCELED", "CANCELED"]);
  } finally {
    await second.close();
  }
  // Restarted before anyone resumed: the damaged file is set aside, but the hold (an operator's to lift) stays.
  const third = await open(sim, dir);
  try {
    assert.match(third.router.halted ?? "", /journal damaged.*; after damage$/);
    third.resume();
    assert.equal(third.router.halted, undefined);
  } finally {
    await third.close();
    await sim.close();
  }
});

test("journal lost while running: noticed, new orders held with a reason, cancels still go out", async () => {
  const sim = await simulator();
  const dir = mkdtempSync(join(tmpdir(), "lr-lost-"));
  const events: GatewayEvent[] = [];
  const gateway = await open(sim, dir, events);
  try {
    const live = await gateway.router.placeOrder(restingBuy());
    for (const f of logs(dir)) rmSync(join(dir, f));
    await waitFor(() => (gateway.router.halted ?? "").includes("order journal"), "the hold", 10_000);
    const problem = events.find((e) => e.type === "journal-problem");
    assert.ok(problem !== undefined && problem.type === "journal-problem");
    assert.doesNotMatch(
      gateway.router.halted!,
      new RegExp(dir.replaceAll("/", "\\/")),
      "no path in the reason",
    );
    // The journal rewrote itself from memory into a new file: a restart would still know the live order.
    await waitFor(() => logs(dir).length === 1, "the rewritten journal");
    assert.ok(readFileSync(join(dir, logs(dir)[0]!), "utf8").includes(live.clientOrderId));
    await assert.rejects(gateway.router.placeOrder(restingBuy()), { reason: "halted" });
    const canceled = await gateway.router.cancelOrder({
      symbol: "BTCUSDT",
      origClientOrderId: live.clientOrderId,
    });
    assert.equal(canceled.status, "CANCELED");
  } finally {
    await gateway.close();
    await sim.close();
  }
});
