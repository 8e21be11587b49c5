/**
 * Hot-path micro-benchmarks for `deno bench` (quick interactive view; the figures kept in results.json come
 * from `micro.ts`, which runs the same cases under mitata on Deno and Bun and reports medians): order build +
 * sign next to Web Crypto, node:crypto and the public SDKs, Ed25519-session builds, bare HMAC-SHA256, ack
 * resolution (here including the send that sets it up; micro.ts times the ack alone), and the client CPU of
 * one order without a socket.
 *
 * Run: `deno bench -A bench/hot_path_bench.ts`
 */
import { buildSignCases } from "./cases/build_sign_cases.ts";
import { ackCases, clientCpuPerOrder, GROUP_ACK, GROUP_CLIENT, jsonParseOnly } from "./cases/ack_cases.ts";

const cases = await buildSignCases();
for (const c of cases) {
  // A case that returns a promise (Web Crypto, the binance SDK) is awaited by Deno.bench itself.
  const fn = c.run as () => void | Promise<void>;
  Deno.bench({ name: c.name, group: c.group, baseline: c.name.startsWith("Lightning FrameEncoder") }, fn);
}

// deno bench ignores start()/end() below 10 µs, so here each sample includes sending the request (setup);
// micro.ts times the ack alone.
for (const c of ackCases()) {
  Deno.bench({ name: `${c.name} (incl. the send)`, group: GROUP_ACK }, async () => {
    if ((await c.settle(c.prepare())) !== 336829446) throw new Error("wrong result");
  });
}
const parse = jsonParseOnly();
Deno.bench({ name: "JSON.parse(ack frame) alone", group: GROUP_ACK }, () => void parse());

const order = clientCpuPerOrder();
Deno.bench(
  { name: "Lightning pipeline.send (HMAC) + ack via onFrame → await", group: GROUP_CLIENT },
  async () => {
    await order();
  },
);
