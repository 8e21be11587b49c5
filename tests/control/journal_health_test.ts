/**
 * The order journal as the control plane shows it: an order refused because the journal cannot be written is
 * a 507 with its own code and no path; `/health` turns "degraded" while the journal is broken (unless the
 * gateway is disconnected) and names the problem without the path; `/metrics` has `lightning_journal_ok`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NotSentError } from "../../lib/errors.ts";
import { JOURNAL_UNAVAILABLE_MSG, LOCAL_CODES } from "../../lib/control/errors.ts";
import { withoutPaths } from "../../lib/control/routes_status.ts";
import { LIMIT_ORDER, startStack, waitFor } from "./_stack.ts";

const BROKEN = {
  ok: false,
  problem: "journal write failed on /srv/lr/data/binance/journal-000003.log: ENOSPC: no space left on device",
  reason: "journal write failed (ENOSPC)",
};

test("POST /orders refused by the journal → 507, code -17, no path; the same for PATCH", async () => {
  const s = await startStack();
  try {
    const refuse = () => Promise.reject(new NotSentError("journal", BROKEN.problem));
    s.router.placeOrder = refuse;
    s.router.modifyOrder = refuse;
    const placed = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(placed.status, 507);
    assert.deepEqual(placed.body, { code: LOCAL_CODES.JOURNAL_UNAVAILABLE, msg: JOURNAL_UNAVAILABLE_MSG });
    const modified = await s.call("PATCH", "/orders", {
      json: { symbol: "BTCUSDT", orderId: 1, side: "BUY", quantity: "0.002", price: "49990" },
    });
    assert.equal(modified.status, 507);
    assert.ok(!JSON.stringify([placed.body, modified.body]).includes("/srv"));
    assert.ok(!s.notices.some((n) => n.startsWith("error")), "not a gateway bug: no error notice");
  } finally {
    await s.close();
  }
});

test("/health: degraded while the journal is broken, the problem without its path; halted or not", async () => {
  let journal: { ok: boolean; problem?: string; reason?: string } = { ok: true };
  const s = await startStack({ journalHealth: () => journal });
  try {
    const fine = await s.call("GET", "/health");
    assert.equal(fine.body.status, "ok");
    assert.deepEqual(fine.body.journal, { ok: true });
    journal = BROKEN;
    const degraded = await s.call("GET", "/health");
    assert.equal(degraded.status, 200, "still serving: cancels go out");
    assert.equal(degraded.body.status, "degraded");
    assert.deepEqual(degraded.body.journal, { ok: false, problem: "journal write failed (ENOSPC)" });
    // Without the path-free `reason`, the problem is shown with its paths removed.
    journal = { ok: false, problem: BROKEN.problem };
    const scrubbed = (await s.call("GET", "/health")).body.journal;
    assert.deepEqual(scrubbed, {
      ok: false,
      problem: "journal write failed on <path>: ENOSPC: no space left on device",
    });
    // A halt (which a broken journal usually causes) does not hide it.
    await s.call("POST", "/halt", { json: { reason: "journal" } });
    assert.equal((await s.call("GET", "/health")).body.status, "degraded");
    // Disconnected outranks degraded.
    await s.sim.close();
    await waitFor(() => !s.router.connected, 5000, "the router to see the disconnect");
    const down = await s.call("GET", "/health");
    assert.equal(down.status, 503);
    assert.equal(down.body.status, "disconnected");
    assert.equal(down.body.journal.ok, false);
  } finally {
    await s.close();
  }
});

test("/health and /metrics: no journal field or gauge when the app has no journal health", async () => {
  const s = await startStack();
  try {
    const health = await s.call("GET", "/health");
    assert.equal(health.body.journal, undefined);
    assert.doesNotMatch((await s.call("GET", "/metrics")).body, /lightning_journal_ok/);
  } finally {
    await s.close();
  }
});

test("/metrics: lightning_journal_ok follows the journal's health", async () => {
  let ok = true;
  const s = await startStack({ journalHealth: () => ok ? { ok } : { ok, reason: "journal file deleted" } });
  try {
    assert.match(
      (await s.call("GET", "/metrics")).body,
      /^# TYPE lightning_journal_ok gauge\nlightning_journal_ok 1$/m,
    );
    ok = false;
    assert.match((await s.call("GET", "/metrics")).body, /^lightning_journal_ok 0$/m);
  } finally {
    await s.close();
  }
});

test("withoutPaths: absolute, relative and Windows paths are replaced; the rest is kept", () => {
  assert.equal(withoutPaths("rotation failed: /a/b.log -> /a/c.log"), "rotation failed: <path> -> <path>");
  assert.equal(withoutPaths("fsync lightning-data/binance/j.log: EIO"), "fsync <path>: EIO");
  assert.equal(withoutPaths("open C:\\data\\j.log failed"), "open <path> failed");
  assert.equal(withoutPaths("no space left on device"), "no space left on device");
});
