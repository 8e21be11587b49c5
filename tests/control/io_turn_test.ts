/**
 * `ioTurn` lets the sockets in: a chain of busy steps separated by it sees data sent to a socket within a step
 * or two, where Deno's own `setImmediate` chain takes exactly 61 (its scheduler polls for I/O every 61 ticks
 * while work is ready). On Deno the yield is an operation completing on another thread; when that thread wins
 * the race the loop does not sleep and the data waits for a later turn, so each check takes the best of three
 * trials (a `setImmediate` yield fails all three).
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

/** The earliest step, over three trials, at which the data was read (-1: never within the chain). */
async function bestOfThree(yieldFn: () => Promise<void>): Promise<number[]> {
  const steps: number[] = [];
  for (let trial = 0; trial < 3; trial++) steps.push(await stepWhenDataArrives(yieldFn, 200));
  return steps;
}

test("ioTurn: data sent to a socket is read within a few steps of a busy chain", async () => {
  const steps = await bestOfThree(ioTurn);
  assert.ok(steps.some((at) => at >= 0 && at <= 5), `data read at steps ${steps.join(", ")}`);
});

test("ioTurnEvery(0) polls at every step, like ioTurn", async () => {
  const steps = await bestOfThree(() => ioTurnEvery(0));
  assert.ok(steps.some((at) => at >= 0 && at <= 5), `data read at steps ${steps.join(", ")}`);
});
