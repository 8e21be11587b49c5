import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { TestClient, until } from "./_helpers.ts";
import { clientFrame, RawClient } from "./_raw.ts";

test("connection: server pings carry a payload and the runtime's WebSocket echoes it (pongsOk)", async () => {
  const sim = await startSimulator({ pingIntervalMs: 20 });
  const client = await TestClient.open(sim.url);
  try {
    await until(() => sim.stats().pongsOk >= 2, 5_000, "pongs");
    assert.equal(sim.stats().pongsBad, 0);
    assert.ok(sim.stats().pingsSent >= sim.stats().pongsOk);
    assert.equal(client.readyState, WebSocket.OPEN);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("connection: the ping payload is a timestamp; a wrong pong counts as bad", async () => {
  const sim = await startSimulator({ pingIntervalMs: 20 });
  const { client } = await RawClient.connect(sim.port);
  try {
    const ping = await client.next((f) => f.opcode === 0x9);
    assert.match(ping!.payload.toString(), /^\d{13}$/);
    client.write(clientFrame(0xa, "not-the-payload"));
    await until(() => sim.stats().pongsBad === 1, 5_000, "bad pong");
    client.write(clientFrame(0xa, ping!.payload));
    await until(() => sim.stats().pongsOk === 1, 5_000, "good pong");
  } finally {
    client.destroy();
    await sim.close();
  }
});

test("connection: a peer that never answers pings is dropped after pongTimeoutMs", async () => {
  const sim = await startSimulator({ pingIntervalMs: 10, pongTimeoutMs: 50 });
  const { client } = await RawClient.connect(sim.port);
  try {
    await client.ended;
    assert.ok(client.frames.every((f) => f.opcode !== 0x8), "dropped without a close frame");
    await until(() => sim.stats().connections === 0, 5_000, "connection gone");
  } finally {
    client.destroy();
    await sim.close();
  }
});

test("connection: the connection is closed at connectionLifetimeMs", async () => {
  const sim = await startSimulator({ connectionLifetimeMs: 30 });
  const client = await TestClient.open(sim.url);
  try {
    const closed = await client.closed;
    assert.equal(closed.code, 1000);
    assert.equal(closed.wasClean, true);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("connection: sendShutdownNotice sends a serverShutdown event to every open connection", async () => {
  const sim = await startSimulator();
  const a = await TestClient.open(sim.url);
  const b = await TestClient.open(sim.url);
  try {
    await until(() => sim.stats().connections === 2, 5_000, "two connections");
    sim.sendShutdownNotice();
    await until(() => a.others.length === 1 && b.others.length === 1, 5_000, "notices");
    const event = JSON.parse(a.others[0]!);
    assert.equal(event.event.e, "serverShutdown");
    assert.equal(typeof event.event.E, "number");
  } finally {
    await a.close();
    await b.close();
    await sim.close();
  }
});

test("connection: dropConnections destroys every socket; stats count connections", async () => {
  const sim = await startSimulator();
  const a = await TestClient.open(sim.url);
  const b = await TestClient.open(sim.url);
  try {
    await until(() => sim.stats().connections === 2, 5_000, "two connections");
    sim.dropConnections();
    assert.equal((await a.closed).wasClean, false);
    assert.equal((await b.closed).wasClean, false);
    assert.equal(sim.stats().connections, 0);
    assert.equal(sim.stats().connectionsTotal, 2);
    const c = await TestClient.open(sim.url);
    assert.equal((await c.request("session.status")).status, 200, "new connections are accepted");
    await c.close();
  } finally {
    await a.close();
    await b.close();
    await sim.close();
  }
});

test("connection: close() resolves with sockets open and stops accepting", async () => {
  const sim = await startSimulator({ pingIntervalMs: 5 });
  const client = await TestClient.open(sim.url);
  await sim.close();
  assert.equal((await client.closed).wasClean, false);
  await sim.close(); // idempotent
  const refused = new WebSocket(sim.url);
  const outcome = await new Promise<string>((resolve) => {
    refused.addEventListener("open", () => resolve("open"));
    refused.addEventListener("error", () => resolve("error"));
  });
  assert.equal(outcome, "error");
});
