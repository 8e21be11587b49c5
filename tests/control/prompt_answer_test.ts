/**
 * The trader's answer leaves before the router's bookkeeping: an order placed over HTTP (the app's raw lane
 * on the HTTP/1.1 server core) or over the local socket, against the simulator over a real socket, has its
 * answer written by the time the order's observer (the tracker, the journal) takes the exchange's ack, in
 * the same turn. A library caller awaiting the router still finds the tracker up to date.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AccountState } from "../../lib/account/account_state.ts";
import { createControlApp } from "../../lib/control/app.ts";
import { LocalSocketSession } from "../../lib/control/local_socket.ts";
import { orderLaneOf } from "../../lib/control/order_lane.ts";
import { orderOps } from "../../lib/control/order_ops.ts";
import { Http1Server } from "../../lib/control/_http1_server.ts";
import type { Http1Transport } from "../../lib/control/_http1_byte_socket.ts";
import type { Http1Connection } from "../../lib/control/_http1_connection.ts";
import { combineObservers, type OrderObserver } from "../../lib/pipeline/order_observer.ts";
import { Router } from "../../lib/router/router.ts";
import { startSimulator } from "../../lib/sim/mod.ts";
import { ManualClock } from "../_manual_clock.ts";
import { API_KEY, LIMIT_ORDER, SECRET_KEY } from "./_stack.ts";

const PORT = 7777;

/** The control plane's side of a connection: what the server writes, kept as text. */
class WrittenText implements Http1Transport {
  text = "";
  connection: Http1Connection | undefined;
  readonly bufferedBytes = 0;
  write(data: Uint8Array | string): void {
    this.text += typeof data === "string" ? data : new TextDecoder().decode(data);
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  end(): void {
    this.connection?.gone();
  }
  destroy(): void {
    this.connection?.gone();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), `still waiting for ${what}`);
}

test("an order's and a cancel's answers are written, over HTTP and the local socket, before the router's observer takes the ack", async () => {
  const sim = await startSimulator({ hmacKeys: [{ apiKey: API_KEY, secretKey: SECRET_KEY }] });
  const account = new AccountState();
  const tracker = account.orders;
  const io = new WrittenText();
  const sent: string[] = [];
  /** For each acked order: was its answer already written when the observer heard of the ack? */
  const writtenAtAck = new Map<string, boolean>();
  /** For each acked cancel: the answers written by then, over HTTP and over the socket. */
  const cancelsAtAck = new Map<string, { http: number; socket: number }>();
  const spy: OrderObserver = {
    intent() {},
    ack(cid, _result, method) {
      if (method === "order.cancel") {
        const http = (io.text.match(/"status":"CANCELED"/g) ?? []).length;
        const socket = sent.filter((t) => t.includes('"status":"CANCELED"')).length;
        return void cancelsAtAck.set(cid, { http, socket });
      }
      writtenAtAck.set(
        cid,
        io.text.includes(`"clientOrderId":"${cid}"`) || sent.some((t) => t.includes(cid)),
      );
    },
    rejected() {},
    unknown() {},
    notSent() {},
  };
  const router = await Router.connect({
    observer: combineObservers(spy, tracker),
    url: sim.url,
    apiKey: API_KEY,
    secretKey: SECRET_KEY,
    requestTimeoutMs: 3000,
  });
  const app = createControlApp({
    router,
    account,
    mode: "simulator",
    endpoint: sim.url,
    guard: { port: () => PORT },
  });
  const clock = new ManualClock();
  const server = new Http1Server({
    hostname: "127.0.0.1",
    port: PORT,
    clock,
    notices: { clock },
    fetch: (request) => app.fetch(request),
    lane: orderLaneOf(app)!,
  });
  try {
    const body = JSON.stringify({ ...LIMIT_ORDER, newClientOrderId: "over-http" });
    io.connection = server.accept(io)!;
    io.connection.receive(
      new TextEncoder().encode(
        `POST /orders HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body}`,
      ),
    );
    const session = new LocalSocketSession({
      ops: orderOps(router, tracker),
      send: (text) => (sent.push(text), true),
    });
    session.receive(JSON.stringify({
      id: 1,
      op: "place",
      params: { ...LIMIT_ORDER, newClientOrderId: "over-socket" },
    }));
    await until(
      () => writtenAtAck.size === 2 && sent.length === 1 && /\r\n\r\n\{/.test(io.text),
      "both acks",
    );
    assert.match(io.text, /^HTTP\/1\.1 200 OK\r\n[^]*"clientOrderId":"over-http"/);
    assert.match(sent[0]!, /^\{"id":1,"status":200,"result":\{[^]*"clientOrderId":"over-socket"/);
    assert.deepEqual(Object.fromEntries(writtenAtAck), { "over-http": true, "over-socket": true });
    // The observer still took the acks, in the same turn: the tracker holds both orders as open.
    assert.equal(tracker.get("over-http")?.status, "NEW");
    assert.equal(tracker.get("over-socket")?.status, "NEW");

    // Cancels too: each answer is out when the observer takes the cancel's ack.
    io.connection.receive(
      new TextEncoder().encode(
        `DELETE /orders?symbol=BTCUSDT&origClientOrderId=over-http HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\n\r\n`,
      ),
    );
    session.receive(JSON.stringify({
      id: 2,
      op: "cancel",
      params: { symbol: "BTCUSDT", origClientOrderId: "over-socket" },
    }));
    await until(() => cancelsAtAck.size === 2 && sent.length === 2, "both cancels");
    assert.deepEqual(cancelsAtAck.get("over-http")?.http, 1, "the DELETE's answer was written");
    assert.deepEqual(cancelsAtAck.get("over-socket")?.socket, 1, "the socket's cancel answer was sent");
    assert.equal(tracker.get("over-http")?.status, "CANCELED");
    assert.equal(tracker.get("over-socket")?.status, "CANCELED");

    // A caller awaiting the router (no prompt listener) resumes only after the observer took the ack.
    const placed = await router.placeOrder({ ...LIMIT_ORDER, newClientOrderId: "awaited" });
    assert.equal(placed.clientOrderId, "awaited");
    assert.equal(writtenAtAck.get("awaited"), false, "nothing was written for it");
    assert.equal(tracker.get("awaited")?.status, "NEW");
  } finally {
    await server.close();
    await router.close();
    await sim.close();
  }
});
