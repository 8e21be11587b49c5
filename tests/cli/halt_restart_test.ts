/**
 * The router (the compiled binary in CI, else main.ts) against `simulate` in its own process, stopped and
 * started: a halt survives kill -9 and a restart, and only `POST /resume` lifts it; a halt asked for while it
 * starts is taken; SIGTERM answers the local socket's orders in flight before it closes the socket.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { type Child, REPO, routerCommand, spawnProcess } from "./_child.ts";
import { RESTING_ORDER, type SimulateChild, startSimulateChild } from "./_simulate.ts";

const post = (url: string, body?: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** What a test gets: the simulator, and routers started on one data directory against it. */
interface Rig {
  sim: SimulateChild;
  /** Starts a router with `args` (its keys in the environment); `waitForUrl` false: returns before its banner. */
  start(args?: string[], waitForUrl?: boolean): Promise<{ child: Child; url: string }>;
}

/** Runs `fn` with a `simulate` child and a fresh data directory; stops every process and removes it after. */
async function withRig(fn: (rig: Rig) => Promise<void>): Promise<void> {
  const sim = await startSimulateChild();
  const dataDir = mkdtempSync(join(tmpdir(), "lr-restart-"));
  const { wsUrl, restUrl, streamUrl, apiKey, secretKey } = sim.access;
  const children: Child[] = [];
  const start: Rig["start"] = async (args = ["--port", "0"], waitForUrl = true) => {
    const command = routerCommand([
      ...["--ws-url", wsUrl, "--rest-url", restUrl, "--stream-url", streamUrl, "--data-dir", dataDir],
      ...args,
    ]);
    const child = spawnProcess(command.command, command.args, REPO, {
      BINANCE_API_KEY: apiKey,
      BINANCE_SECRET_KEY: secretKey,
    });
    children.push(child);
    if (!waitForUrl) return { child, url: "" };
    const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    return { child, url: url! };
  };
  try {
    await fn({ sim, start });
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test(
  "halt across a restart: halted for news, kill -9, restarted → still halted for news; resumed, restarted → trading",
  {
    timeout: 120_000,
  },
  () =>
    withRig(async ({ start }) => {
      const first = await start();
      assert.equal((await post(`${first.url}/orders`, RESTING_ORDER)).status, 200);
      const halted = await (await post(`${first.url}/halt`, { reason: "news at 14:30" })).json();
      assert.equal(halted.canceled.length, 1);
      first.child.kill("SIGKILL");
      await first.child.exited(30_000);

      const second = await start();
      const health = await (await fetch(`${second.url}/health`)).json();
      assert.deepEqual([health.halted, health.haltReason], [true, "news at 14:30"]);
      assert.match(second.child.stderr(), /halted when the last run stopped.*news at 14:30/);
      const refused = await post(`${second.url}/orders`, RESTING_ORDER);
      assert.equal(refused.status, 503);
      assert.equal((await refused.json()).code, -10);
      assert.deepEqual(await (await post(`${second.url}/resume`)).json(), { halted: false });
      assert.equal((await post(`${second.url}/orders`, RESTING_ORDER)).status, 200);
      second.child.kill("SIGTERM");
      assert.equal(await second.child.exited(30_000), 0);

      const third = await start();
      assert.equal((await (await fetch(`${third.url}/health`)).json()).halted, false);
      assert.doesNotMatch(third.child.stderr(), /halted when the last run stopped/);
      third.child.kill("SIGTERM");
      assert.equal(await third.child.exited(30_000), 0);
    }),
);

test("SIGTERM with orders in flight on the local socket: every one answered before the socket closes", {
  timeout: 120_000,
}, async () => {
  await withRig(async ({ sim, start }) => {
    const { child, url } = await start();
    // The exchange executes each order at once and answers it 400 ms later.
    assert.equal((await post(`${sim.access.restUrl}/sim/fault`, { kind: "delay", ms: 400 })).status, 200);
    const ws = new WebSocket(url.replace("http", "ws") + "/ws");
    const answers: { id: number; status: number; result?: { status: string } }[] = [];
    ws.onmessage = (e) => void answers.push(JSON.parse(String(e.data)));
    const closed = new Promise<number>((resolve) => ws.onclose = (e) => resolve(e.code));
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error("the local socket did not open"));
    });
    for (let id = 0; id < 10; id++) {
      ws.send(
        JSON.stringify({ id, op: "place", params: { ...RESTING_ORDER, newClientOrderId: `term-${id}` } }),
      );
    }
    // The router has sent all ten (its tracker lists them: pending, or open once the user stream says so);
    // their answers are 400 ms away.
    let sent = 0;
    for (let i = 0; i < 200 && sent < 10; i++) {
      const listed = await (await fetch(`${url}/orders`)).json() as { clientOrderId: string }[];
      sent = listed.filter((o) => o.clientOrderId.startsWith("term-")).length;
      if (sent < 10) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(sent, 10);
    assert.equal(answers.length, 0);
    child.kill("SIGTERM");
    assert.equal(await closed, 1001);
    assert.deepEqual(
      answers.map((a) => [a.id, a.status, a.result?.status]).sort((x, y) => Number(x[0]) - Number(y[0])),
      [...Array(10).keys()].map((id) => [id, 200, "NEW"]),
    );
    assert.equal(await child.exited(30_000), 0);
  });
});

test("POST /halt while the router is still starting is taken (202) and in force once it has started", {
  timeout: 120_000,
}, async () => {
  await withRig(async ({ sim, start }) => {
    // A port of our own choosing: the banner that names it comes only once started.
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    // The exchange answers every request 1.5 s late: the start (clock, logon, listings) takes seconds.
    assert.equal((await post(`${sim.access.restUrl}/sim/fault`, { kind: "delay", ms: 1500 })).status, 200);
    const { child } = await start(["--port", String(port)], false);
    const url = `http://127.0.0.1:${port}`;
    let taken: Response | undefined;
    for (let i = 0; i < 500 && taken === undefined; i++) {
      taken = await post(`${url}/halt`, { reason: "restarted into trouble" }).catch(() => undefined);
      if (taken === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(taken?.status, 202, "taken while starting");
    assert.deepEqual((await taken!.json()).reason, "restarted into trouble");
    assert.doesNotMatch(child.stderr(), /control\s+http/, "the router had not started yet");
    const order = await post(`${url}/orders`, RESTING_ORDER);
    assert.equal(order.status, 503);
    assert.equal((await order.json()).code, -11);
    await child.waitForStderr(/control\s+http/, 60_000);
    const health = await (await fetch(`${url}/health`)).json();
    assert.deepEqual([health.halted, health.haltReason], [true, "restarted into trouble"]);
    assert.match(child.stderr(), /halt asked for while starting, applied/);
    child.kill("SIGTERM");
    assert.equal(await child.exited(30_000), 0);
  });
});
