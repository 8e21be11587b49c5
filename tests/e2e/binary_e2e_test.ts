/**
 * End-to-end test of the shipped artefact: the standalone binary (`bun build --compile`), copied alone into an
 * empty directory, started with no configuration (embedded simulator), driven over HTTP, stopped with SIGTERM.
 * CI passes the binary it built in LIGHTNING_BINARY; without it the test builds one into a temp directory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { execFileSync } from "node:child_process";
import { REPO, spawnProcess } from "../cli/_child.ts";
import { rawRequest } from "../control/_stack.ts";

function bunPath(): string {
  const local = join(REPO, "node_modules", ".bin", "bun");
  try {
    execFileSync(local, ["--version"], { stdio: "ignore" });
    return local;
  } catch {
    return "bun";
  }
}

/** The binary alone in a fresh directory: it must need no other file. */
function binaryInEmptyDir(): { dir: string; binary: string } {
  const dir = mkdtempSync(join(tmpdir(), "lr-binary-"));
  const binary = join(dir, "lightning-router");
  const built = process.env.LIGHTNING_BINARY;
  if (built) copyFileSync(built, binary);
  else {
    execFileSync(bunPath(), [
      "build",
      "--compile",
      "--minify-syntax",
      "--outfile",
      binary,
      join(REPO, "main.ts"),
    ], {
      cwd: REPO,
      stdio: "ignore",
    });
  }
  return { dir, binary };
}

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

test("binary: simulator by default; place/query/modify/cancel over HTTP; bad input refused; SIGTERM → 0", {
  timeout: 120_000,
}, async () => {
  const { dir, binary } = binaryInEmptyDir();
  const child = spawnProcess(binary, ["--port", "0", "--data-dir", join(dir, "data")], dir);
  try {
    const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:(\d+))/, 60_000);
    const port = Number(new URL(url!).port);
    assert.match(child.stderr(), /SIMULATOR — no real orders/);

    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).connected, true);

    const placed = await fetch(
      `${url}/orders`,
      json({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.002",
        price: "50000",
        timeInForce: "GTC",
        newClientOrderId: "e2e:order/1",
      }),
    );
    assert.equal(placed.status, 200);
    const order = await placed.json();
    assert.equal(order.status, "NEW");
    assert.equal(order.clientOrderId, "e2e:order/1");

    const queried = await fetch(`${url}/orders?symbol=BTCUSDT&origClientOrderId=e2e:order/1`);
    assert.equal(queried.status, 200);
    assert.equal((await queried.json()).orderId, order.orderId);

    const modified = await fetch(`${url}/orders`, {
      ...json({ symbol: "BTCUSDT", orderId: order.orderId, side: "BUY", quantity: "0.002", price: "49990" }),
      method: "PATCH",
    });
    assert.equal(modified.status, 200);
    assert.equal(Number((await modified.json()).price), 49990);

    const bad = await fetch(
      `${url}/orders`,
      json({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "abc" }),
    );
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).msg, /quantity/);

    const rebinding = await rawRequest(port, `GET /health HTTP/1.1\r\nHost: evil.example:${port}`);
    assert.equal(rebinding.status, 403);

    const canceled = await fetch(`${url}/orders?symbol=BTCUSDT&orderId=${order.orderId}`, {
      method: "DELETE",
    });
    assert.equal(canceled.status, 200);
    assert.equal((await canceled.json()).status, "CANCELED");

    child.kill("SIGTERM");
    assert.equal(await child.exited(30_000), 0);
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
