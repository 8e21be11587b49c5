import { test } from "node:test";
import assert from "node:assert/strict";
import { PendingRequests } from "../../lib/pipeline/pending_requests.ts";

function add(p: PendingRequests, deadline: number, connection = 1) {
  const id = p.nextId();
  let settled: unknown = "pending";
  const entry = {
    id,
    method: 0,
    clientOrderId: `c${id}`,
    mutating: true,
    connection,
    deadline,
    sentAt: 0,
    resolve: (v: unknown) => settled = ["ok", v],
    reject: (e: unknown) => settled = ["err", e],
  };
  p.add(entry);
  return {
    id,
    get settled() {
      return settled;
    },
  };
}

test("PendingRequests: ids are sequential and resolve to the right caller", () => {
  const p = new PendingRequests({ capacity: 8 });
  const a = add(p, 100), b = add(p, 100), c = add(p, 100);
  assert.deepEqual([a.id, b.id, c.id], [1, 2, 3]);
  p.resolve(p.indexOf(b.id), "B");
  assert.deepEqual(b.settled, ["ok", "B"]);
  assert.equal(a.settled, "pending");
  assert.equal(p.indexOf(b.id), -1, "an answered id is gone");
  assert.equal(p.clientOrderId(p.indexOf(c.id)), "c3");
  assert.equal(p.size, 2);
});

test("PendingRequests: a full ring refuses new ids instead of overwriting", () => {
  const p = new PendingRequests({ capacity: 4 });
  for (let i = 0; i < 4; i++) add(p, 100);
  assert.equal(p.nextId(), -1);
  p.resolve(p.indexOf(1), null);
  assert.equal(p.nextId(), 5);
  assert.equal(p.indexOf(5), -1, "id 5 shares slot with id 1 but is not pending");
});

test("PendingRequests: expiry scans from the oldest and stops at the first live request", () => {
  const p = new PendingRequests({ capacity: 8 });
  add(p, 10);
  const b = add(p, 20);
  add(p, 30);
  p.resolve(p.indexOf(b.id), null);
  const expired: number[] = [];
  for (let i = p.oldestExpired(25); i >= 0; i = p.oldestExpired(25)) {
    expired.push(p.id(i));
    p.reject(i, new Error("timeout"));
  }
  assert.deepEqual(expired, [1]);
  assert.equal(p.size, 1);
});

test("PendingRequests: slotsOf selects one connection's requests", () => {
  const p = new PendingRequests({ capacity: 16 });
  add(p, 1, 1);
  add(p, 1, 2);
  add(p, 1, 1);
  assert.deepEqual(p.slotsOf(1).map((i) => p.id(i)), [1, 3]);
  assert.deepEqual(p.slotsOf(-1).map((i) => p.id(i)), [1, 2, 3]);
});

test("PendingRequests: open stores a request and returns the promise its slot settles", async () => {
  const p = new PendingRequests({ capacity: 8 });
  const a = p.open(p.nextId(), 3, "ca", true, 2, 50, 7);
  const b = p.open(p.nextId(), 4, "cb", false, 1, 60, 8);
  const i = p.indexOf(1);
  assert.deepEqual([p.method(i), p.clientOrderId(i), p.mutating(i), p.connection(i), p.sentAt(i)], [
    3,
    "ca",
    true,
    2,
    7,
  ]);
  assert.equal(p.oldestExpired(55), i);
  p.reject(p.indexOf(2), new Error("no"));
  p.resolve(i, "A");
  assert.equal(await a, "A");
  await assert.rejects(b, /no/);
  assert.equal(p.size, 0);
});
