import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEY, HMAC_KEYS, limitOrder, signHmac, TestClient, until } from "./_helpers.ts";
import { rawHttp } from "./_raw.ts";
import { RawStream, startKey, streamPath, StreamReader } from "./_stream.ts";

/** A WebSocket upgrade request for `path`, answered as raw HTTP: status line and JSON body. */
async function upgrade(port: number, path: string): Promise<{ status: string; body: unknown }> {
  const response = await rawHttp(
    port,
    `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  const end = response.indexOf("\r\n\r\n");
  return { status: response.slice(0, response.indexOf("\r\n")), body: JSON.parse(response.slice(end + 4)) };
}

const NO_KEY = { code: -1125, msg: "This listenKey does not exist." };

test("stream endpoint: an unknown, missing or stopped listenKey is refused with HTTP 400 before the upgrade", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    assert.deepEqual(await upgrade(sim.port, streamPath("never-issued")), {
      status: "HTTP/1.1 400 Bad Request",
      body: NO_KEY,
    });
    assert.deepEqual(await upgrade(sim.port, "/private/ws?events=ORDER_TRADE_UPDATE"), {
      status: "HTTP/1.1 400 Bad Request",
      body: {
        code: -1102,
        msg: "Mandatory parameter 'listenKey' was not sent, was empty/null, or malformed.",
      },
    });
    const key = await startKey(client);
    (await RawStream.open(sim.port, streamPath(key))).destroy(); // accepted while the key lives
    await client.request("userDataStream.stop", { apiKey: HMAC_KEY });
    assert.deepEqual((await upgrade(sim.port, streamPath(key))).body, NO_KEY);
    await assert.rejects(
      StreamReader.open(`${sim.streamUrl}${streamPath(key)}`),
      "the runtime's WebSocket never opens",
    );
    assert.match(
      (await upgrade(sim.port, `/ws/${key}`)).status,
      /^HTTP\/1\.1 404 /,
      "the legacy path is gone",
    );
    assert.equal(sim.stats().streamConnectionsTotal, 1);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("stream endpoint: /private/ws/<key> works too; the stream ignores requests and answers pings", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await RawStream.open(sim.port, `/private/ws/${key}`);
  try {
    const requestsBefore = sim.stats().requests;
    stream.sendText(JSON.stringify({ id: 1, method: "order.place", params: signHmac(limitOrder()) }));
    assert.deepEqual(await stream.drain(), [], "no reply (the barrier pong proves nothing came first)");
    assert.equal(sim.orders().length, 0, "not executed");
    assert.equal(sim.stats().requests, requestsBefore, "not counted as a ws-fapi request");
    await client.signed("order.place", limitOrder());
    assert.deepEqual((await stream.drain()).map((e) => e.o.x), ["NEW"]);
  } finally {
    stream.destroy();
    await client.close();
    await sim.close();
  }
});

test("stream endpoint: after userDataStream.stop the open socket gets nothing more", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await RawStream.open(sim.port, streamPath(key));
  try {
    await client.signed("order.place", limitOrder());
    assert.equal((await stream.drain()).length, 1);
    await client.request("userDataStream.stop", { apiKey: HMAC_KEY });
    await client.signed("order.place", limitOrder());
    assert.deepEqual(await stream.drain(), []);
    const fresh = await startKey(client);
    assert.notEqual(fresh, key, "a stopped key is not handed out again");
  } finally {
    stream.destroy();
    await client.close();
    await sim.close();
  }
});

test("stream endpoint: stream sockets get the server heartbeat; a silent peer is dropped", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, pingIntervalMs: 10, pongTimeoutMs: 50 });
  const setup = await TestClient.open(sim.url);
  const key = await startKey(setup);
  await setup.close(); // from here on, only stream sockets are pinged
  const answering = await StreamReader.open(`${sim.streamUrl}${streamPath(key)}`);
  const silent = await RawStream.open(sim.port, streamPath(key)); // never answers the server's pings
  try {
    await silent.ended;
    await until(() => sim.stats().streamConnections === 1, 5_000, "the silent stream is gone");
    const before = sim.stats().pongsOk;
    await until(() => sim.stats().pongsOk >= before + 3, 5_000, "pongs from the stream's runtime WebSocket");
    const placer = await TestClient.open(sim.url);
    try {
      await placer.signed("order.place", limitOrder());
      assert.equal((await answering.take(1))[0].o.x, "NEW", "the answering stream is alive");
    } finally {
      await placer.close();
    }
  } finally {
    silent.destroy();
    await answering.close();
    await sim.close();
  }
});
