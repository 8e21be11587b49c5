/**
 * `GET /openapi.json`: served over a real socket, a valid OpenAPI 3.x document (checked by a well-kept
 * validator), listing every route the app serves with its doc, every local error code, and the very schemas
 * that validate requests.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { docsApp, docsOpenApi } from "../../scripts/_docs_app.ts";
import { type Stack, startStack } from "./_stack.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

let stack: Stack;
let doc: Json;

before(async () => {
  stack = await startStack();
  const answer = await stack.call("GET", "/openapi.json");
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get("content-type") ?? "", /^application\/json/);
  doc = answer.body;
});
after(() => stack.close());

/** `/assets/*` → `/assets/{path}`, `/x/:id` → `/x/{id}` (how the document spells Hono's paths). */
function template(path: string): string {
  return path.split("/").map((p) => p === "*" ? "{path}" : p.startsWith(":") ? `{${p.slice(1)}}` : p).join(
    "/",
  );
}

test("/openapi.json is a valid OpenAPI 3.x document", async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 2000));
  assert.match(validator.version ?? "", /^3\./);
  assert.match(doc.openapi, /^3\.1\./);
});

test("every route the app serves is in the document, documented, and nothing else is", async () => {
  // The served routes, as Hono knows them (middleware is registered as ALL): the app with every part on
  // (live account, simulator, risk), and the document that very app serves.
  const { app, close } = docsApp();
  close();
  const full = await docsOpenApi();
  const served = new Set(
    app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${template(r.path)}`),
  );
  assert.ok(served.size >= 15, `only ${served.size} routes served`);
  const documented = new Set<string>();
  for (const [path, item] of Object.entries(full.paths as Record<string, Record<string, Json>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (method === "parameters") continue;
      documented.add(`${method.toUpperCase()} ${path}`);
      assert.equal(typeof operation.summary, "string", `${method} ${path} has no doc (RouteTable.add's doc)`);
      assert.ok(operation.summary.length > 5, `${method} ${path}: summary`);
      assert.ok(Array.isArray(operation.tags) && operation.tags.length === 1, `${method} ${path}: tag`);
      assert.ok(
        Object.keys(operation.responses).some((s) => /^(2\d\d|101)$/.test(s)), // 101: GET /ws upgrades
        `${method} ${path}: no success answer`,
      );
    }
  }
  for (const route of served) assert.ok(documented.has(route), `${route} is served but not documented`);
  for (const route of documented) assert.ok(served.has(route), `${route} is documented but not served`);
  // The document a running app serves lists what that app serves (here: no risk routes were given).
  for (const path of Object.keys(doc.paths)) assert.ok(path in full.paths, path);
  assert.ok("/orders" in doc.paths && "/sim/mark" in doc.paths);
});

test("the document carries every local error code, including -7/-8 which no single route answers", () => {
  const text = JSON.stringify(doc);
  const listed = (doc.components.schemas.LocalErrorCode.oneOf as Json[]).map((c) => c.const);
  for (const [name, code] of Object.entries(LOCAL_CODES)) {
    assert.ok(listed.includes(code), `${name} (${code}) is not in LocalErrorCode`);
  }
  assert.deepEqual(doc.components.responses.NotFound["x-error-codes"], [LOCAL_CODES.NOT_FOUND]);
  assert.deepEqual(doc.components.responses.MethodNotAllowed["x-error-codes"], [
    LOCAL_CODES.METHOD_NOT_ALLOWED,
  ]);
  assert.ok(text.includes('"-17 JOURNAL_UNAVAILABLE'), "order routes list the journal error");
  // An order route lists what sending an order can answer, by status.
  const place = doc.paths["/orders"].post.responses;
  assert.ok(place["503"]["x-error-codes"].includes(LOCAL_CODES.HALTED));
  assert.ok(place["504"]["x-error-codes"].includes(LOCAL_CODES.UNKNOWN_ORDER_STATE));
  assert.ok(place["415"]["x-error-codes"].includes(LOCAL_CODES.UNSUPPORTED_MEDIA_TYPE));
});

test("request schemas are the validating ones: fields, enums and required fields as the checks see them", async () => {
  const place = doc.paths["/orders"].post.requestBody.content["application/json"].schema;
  assert.equal(place.additionalProperties, false, "unknown fields are refused");
  assert.deepEqual([...place.required].sort(), ["side", "symbol", "type"]);
  assert.deepEqual(place.properties.side.enum, ["BUY", "SELL"]);
  assert.ok(place.properties.type.enum.includes("TRAILING_STOP_MARKET"));
  // A value outside the documented enum is refused by the route, naming the field.
  const refused = await stack.call("POST", "/orders", {
    json: { symbol: "BTCUSDT", side: "HOLD", type: "MARKET", quantity: "0.001" },
  });
  assert.equal(refused.status, 400);
  assert.match(refused.body.msg, /side: expected one of BUY, SELL/);

  // GET /orders documents both forms: the local list (state) and the exchange lookup (orderId).
  const names = (doc.paths["/orders"].get.parameters as Json[]).map((p) => p.name);
  for (const n of ["symbol", "state", "orderId", "origClientOrderId"]) assert.ok(names.includes(n), n);
  const events = doc.paths["/events"].get.parameters as Json[];
  assert.ok(events.some((p) => p.in === "header" && p.name === "Last-Event-ID"));
  assert.equal(doc.paths["/halt"].post.requestBody.required, false);
});
