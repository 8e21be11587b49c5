import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { startSimulator } from "../../lib/sim/mod.ts";
import { clientFrame, RawClient, rawHttp } from "./_raw.ts";

const TEXT = 0x1, CONT = 0x0, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xa;
const STATUS = JSON.stringify({ id: 7, method: "session.status" });

test("ws server: handshake answers 101 with the RFC 6455 Sec-WebSocket-Accept", async () => {
  const sim = await startSimulator();
  try {
    const { client, head, key } = await RawClient.connect(sim.port);
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.ok(head.includes(`Sec-WebSocket-Accept: ${RawClient.accept(key)}`));
    client.write(clientFrame(TEXT, STATUS));
    const frame = await client.next();
    assert.equal(frame?.opcode, TEXT);
    assert.equal(JSON.parse(frame!.payload.toString()).id, 7);
    client.destroy();
  } finally {
    await sim.close();
  }
});

test("ws server: other paths and plain HTTP get 404", async () => {
  const sim = await startSimulator();
  try {
    const upgrade = await rawHttp(
      sim.port,
      "GET /ws/other HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    assert.match(upgrade, /^HTTP\/1\.1 404 /);
    const plain = await rawHttp(sim.port, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.match(plain, /^HTTP\/1\.1 404 /);
  } finally {
    await sim.close();
  }
});

test("ws server: fragmented message with an interleaved ping; the ping is answered with its payload", async () => {
  const sim = await startSimulator();
  try {
    const { client } = await RawClient.connect(sim.port);
    client.write(clientFrame(TEXT, STATUS.slice(0, 5), { fin: false }));
    client.write(clientFrame(PING, "are-you-there"));
    client.write(clientFrame(CONT, STATUS.slice(5, 12), { fin: false }));
    client.write(clientFrame(CONT, STATUS.slice(12)));
    const pong = await client.next((f) => f.opcode === PONG);
    assert.equal(pong?.payload.toString(), "are-you-there");
    const reply = await client.next((f) => f.opcode === TEXT);
    assert.equal(JSON.parse(reply!.payload.toString()).status, 200);
    client.destroy();
  } finally {
    await sim.close();
  }
});

test("ws server: a frame split across many TCP writes is reassembled", async () => {
  const sim = await startSimulator();
  try {
    const { client } = await RawClient.connect(sim.port);
    const frame = clientFrame(TEXT, STATUS);
    for (let i = 0; i < frame.length; i += 3) {
      client.write(frame.subarray(i, i + 3));
      await new Promise((r) => setTimeout(r, 1));
    }
    const reply = await client.next((f) => f.opcode === TEXT);
    assert.equal(JSON.parse(reply!.payload.toString()).id, 7);
    client.destroy();
  } finally {
    await sim.close();
  }
});

test("ws server: 16-bit and 64-bit payload lengths, in both directions", async () => {
  const sim = await startSimulator();
  try {
    const { client } = await RawClient.connect(sim.port);
    for (const size of [300, 70_000]) {
      const message = JSON.stringify({ id: size, method: "session.status", pad: "x".repeat(size) });
      client.write(clientFrame(TEXT, message));
      const reply = await client.next((f) => f.opcode === TEXT);
      assert.equal(JSON.parse(reply!.payload.toString()).id, size);
    }
    // A 64-bit-length reply: a long unknown method name is echoed in the error message.
    client.write(clientFrame(TEXT, JSON.stringify({ id: 1, method: "m".repeat(70_000) })));
    const big = await client.next((f) => f.opcode === TEXT);
    assert.ok(big!.payload.length > 65_535);
    assert.equal(JSON.parse(big!.payload.toString()).error.code, -1020);
    client.destroy();
  } finally {
    await sim.close();
  }
});

test("ws server: a binary frame, whole or fragmented, gets a -1135 answer and the socket stays open", async () => {
  const sim = await startSimulator();
  try {
    const { client } = await RawClient.connect(sim.port);
    client.write(clientFrame(BINARY, Buffer.from([1, 2, 3])));
    const first = await client.next((f) => f.opcode === TEXT);
    assert.deepEqual(JSON.parse(first!.payload.toString()), {
      id: null,
      status: 400,
      error: { code: -1135, msg: "Invalid JSON Request" },
    });
    client.write(clientFrame(BINARY, Buffer.from('{"id":1,'), { fin: false }));
    client.write(clientFrame(CONT, Buffer.from('"method":"session.status"}')));
    const second = await client.next((f) => f.opcode === TEXT);
    assert.equal(JSON.parse(second!.payload.toString()).error.code, -1135);
    client.write(clientFrame(TEXT, JSON.stringify({ id: 7, method: "session.status" })));
    const third = await client.next((f) => f.opcode === TEXT);
    assert.equal(JSON.parse(third!.payload.toString()).id, 7);
    assert.equal(client.frames.some((f) => f.opcode === CLOSE), false);
    client.destroy();
  } finally {
    await sim.close();
  }
});

test("ws server: a message over 1 MiB is refused with close 1009 from its header alone", async () => {
  const sim = await startSimulator();
  try {
    const { client } = await RawClient.connect(sim.port);
    const header = Buffer.alloc(14);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeUInt32BE(0, 2);
    header.writeUInt32BE(2 * 1024 * 1024, 6);
    client.write(header);
    const close = await client.next((f) => f.opcode === CLOSE);
    assert.equal(close?.payload.readUInt16BE(0), 1009);
    client.destroy();
  } finally {
    await sim.close();
  }
});

test("ws server: fragments adding up to over 1 MiB are refused with 1009", async () => {
  const sim = await startSimulator();
  try {
    const { client } = await RawClient.connect(sim.port);
    const chunk = "x".repeat(600 * 1024);
    client.write(clientFrame(TEXT, chunk, { fin: false }));
    client.write(clientFrame(CONT, chunk, { fin: true }));
    const close = await client.next((f) => f.opcode === CLOSE);
    assert.equal(close?.payload.readUInt16BE(0), 1009);
    client.destroy();
  } finally {
    await sim.close();
  }
});

test("ws server: unmasked client frames are a protocol error (1002)", async () => {
  const sim = await startSimulator();
  try {
    const { client } = await RawClient.connect(sim.port);
    client.write(clientFrame(TEXT, STATUS, { mask: false }));
    const close = await client.next((f) => f.opcode === CLOSE);
    assert.equal(close?.payload.readUInt16BE(0), 1002);
    client.destroy();
  } finally {
    await sim.close();
  }
});

test("ws server: the close handshake echoes the client's code and ends the socket", async () => {
  const sim = await startSimulator();
  try {
    const { client } = await RawClient.connect(sim.port);
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    client.write(clientFrame(CLOSE, code));
    const close = await client.next((f) => f.opcode === CLOSE);
    assert.equal(close?.payload.readUInt16BE(0), 1000);
    await client.ended;
    assert.equal(sim.stats().connectionsTotal, 1);
  } finally {
    await sim.close();
  }
});
