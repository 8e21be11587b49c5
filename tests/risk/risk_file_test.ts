/**
 * The risk file: the README's example loads, `--risk FILE` with it starts the service (simulator mode) and its
 * limits are in force, and a bad file stops the start naming the JSON path of the bad field.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, parseConfig } from "../../lib/cli/config.ts";
import { createLogger } from "../../lib/cli/log.ts";
import { startService } from "../../lib/cli/service.ts";
import { parseRiskLimits } from "../../lib/risk/risk_schema.ts";
import { REPO } from "../cli/_child.ts";
import { tempDir } from "../gateway/_gateway.ts";

function readmeExample(): string {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const from = readme.indexOf("<!-- risk-file-example -->");
  assert.ok(from >= 0, "README has the risk file example marker");
  const block = /```json\n([\s\S]*?)```/.exec(readme.slice(from));
  assert.ok(block, "a json block follows the marker");
  return block[1]!;
}

function start(riskText: string) {
  const config = parseConfig({
    args: ["--port", "0", "--data-dir", tempDir("lr-risk-cli-"), "--risk", "/etc/risk.json"],
    env: {},
  });
  if (config.kind !== "run") throw new Error("expected a run config");
  assert.equal(config.config.riskFile, "/etc/risk.json");
  const read: string[] = [];
  const service = startService({
    config: config.config,
    log: createLogger({ format: "text", write: () => {} }),
    readTextFile: (path) => {
      read.push(path);
      return Promise.resolve(riskText);
    },
  });
  return { service, read };
}

test("risk file: the README's example is valid and starts the service with its limits", async () => {
  const text = readmeExample();
  const limits = parseRiskLimits(JSON.parse(text));
  assert.equal(limits.symbols?.BTCUSDT?.maxOrderQty, 0.5);
  const { service, read } = start(text);
  const s = await service;
  try {
    assert.deepEqual(read, ["/etc/risk.json"]);
    const risk = await (await fetch(`${s.server.url}/risk`)).json();
    assert.deepEqual(risk.limits, JSON.parse(text));
    const refused = await fetch(`${s.server.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.6",
        price: "50000",
        timeInForce: "GTC",
      }),
    });
    assert.equal(refused.status, 422);
    assert.equal((await refused.json()).limit, "maxOrderQty");
  } finally {
    await s.shutdown();
  }
});

test("risk file: a bad file stops the start and names the JSON path of the bad field", async () => {
  const bad = JSON.stringify({ symbols: { BTCUSDT: { maxOrderQty: "0.5" } } });
  await assert.rejects(start(bad).service, (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(
      e.problems[0]!,
      /^--risk \/ ROUTER_RISK_FILE: "\/etc\/risk\.json": symbols\.BTCUSDT\.maxOrderQty: /,
    );
    return true;
  });
  await assert.rejects(
    start("{ not json").service,
    /--risk \/ ROUTER_RISK_FILE: "\/etc\/risk\.json" is not JSON/,
  );
  await assert.rejects(
    start(JSON.stringify({ maxRejectsPerMinute: 3, extra: 1 })).service,
    /unknown field extra/,
  );
  await assert.rejects(
    start('{"symbols":{"*":{"maxOrderQty":1},"__proto__":{"maxOrderQty":2}}}').service,
    /symbols\.__proto__: not an accepted key/,
  );
  await assert.rejects(
    start('{"maxRejectsPerMinute":3,"maxRejectsPerMinute":300}').service,
    /"\/etc\/risk\.json": maxRejectsPerMinute: given more than once/,
  );
});
