/**
 * `ioTurn` lets the sockets in: a chain of busy steps separated by it sees data sent to a socket within a step
 * or two (Deno's own `setImmediate` chain took ~60 such steps), and `ioTurnEvery` polls at least that often.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { ioTurn, ioTurnEvery } from "../../lib/control/_io_turn.ts";

/** Runs `steps` busy steps of ~50 µs with `yieldFn` between them; the step at which the socket's data arrived. */
async function stepWhenDataArrives(yieldFn: () => Promise<void>, steps: number): Promise<number> {
  let step = 0;
  let seenAt = -1;
  const server = net.createServer((s) => s.on("data", () => (seenAt = seenAt < 0 ? step : seenAt)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect(port, "127.0.0.1");
  try {
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    // The accepted side is set up (its handler waits for data) before the chain starts.
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.write("x");
    for (; step < steps && seenAt < 0; step++) {
      const end = performance.now() + 0.05;
      while (performance.now() < end) { /* busy, as a slice of a long answer is */ }
      await yieldFn();
    }
    return seenAt;
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

test("ioTurn: data sent to a socket is read within a few steps of a busy chain", async () => {
  const at = await stepWhenDataArrives(ioTurn, 200);
  assert.ok(at >= 0 && at <= 5, `data read at step ${at}`);
});

test("ioTurnEvery(0) polls at every step, like ioTurn", async () => {
  const at = await stepWhenDataArrives(() => ioTurnEvery(0), 200);
  assert.ok(at >= 0 && at <= 5, `data read at step ${at}`);
});
