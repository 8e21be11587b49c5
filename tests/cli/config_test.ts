import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  type Config,
  ConfigError,
  isLoopbackHost,
  parseConfig,
  PRODUCTION_WS_URL,
  TESTNET_WS_URL,
} from "../../lib/cli/config.ts";
import { SETTINGS } from "../../lib/cli/settings.ts";

const API_KEY = "apikey-AAAAAAAAAAAAAAAAAAAAAAAA";
const SECRET = "secret-BBBBBBBBBBBBBBBBBBBBBBBBBBBB";
const TOKEN = "token-CCCCCCCCCCCCCCCCCCCC";
const HMAC_ENV = { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: SECRET };

function run(args: string[], env: Record<string, string | undefined> = {}): Config {
  const parsed = parseConfig({ args, env });
  assert.equal(parsed.kind, "run");
  return (parsed as { config: Config }).config;
}

function problems(args: string[], env: Record<string, string | undefined> = {}): string {
  try {
    parseConfig({ args, env });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.join("\n");
  }
  assert.fail("expected a ConfigError");
}

test("config: defaults give the embedded simulator on 127.0.0.1:7777", () => {
  const c = run([]);
  assert.equal(c.mode, "simulator");
  assert.equal(c.endpoint, undefined);
  assert.equal(c.credentials, undefined);
  assert.equal(c.host, "127.0.0.1");
  assert.equal(c.port, 7777);
  assert.equal(c.token, undefined);
  assert.equal(c.requestTimeoutMs, 5000);
  assert.equal(c.recvWindow, undefined);
  assert.equal(c.dataDir, "./lightning-data");
  assert.equal(c.history, 10_000);
  assert.equal(c.warmMs, 2);
  assert.equal(c.logFormat, "text");
  assert.ok(Object.isFrozen(c));
});

test("config: flags win over environment, in both --flag value and --flag=value forms", () => {
  const env = { ROUTER_PORT: "9000", ROUTER_LOG_FORMAT: "json", ROUTER_REQUEST_TIMEOUT_MS: "7000" };
  const c = run(["--port", "0", "--log-format=text"], env);
  assert.equal(c.port, 0);
  assert.equal(c.logFormat, "text");
  assert.equal(c.requestTimeoutMs, 7000);
  assert.equal(run([], { ROUTER_PORT: "9000", ROUTER_RECV_WINDOW: "3000" }).recvWindow, 3000);
  assert.equal(run([], { ROUTER_PORT: "" }).port, 7777, "an empty variable counts as unset");
});

test("config: a bad value names the variable or flag it came from", () => {
  assert.match(
    problems([], { ROUTER_PORT: "http" }),
    /^ROUTER_PORT: expected a whole number 0-65535, got "http"/,
  );
  assert.match(
    problems(["--port", "70000"], { ROUTER_PORT: "1" }),
    /^--port: expected a whole number 0-65535/,
  );
  assert.match(problems(["--log-format", "xml"]), /^--log-format: expected text or json/);
  assert.match(problems([], { ROUTER_REQUEST_TIMEOUT_MS: "5s" }), /^ROUTER_REQUEST_TIMEOUT_MS: /);
  assert.match(problems(["--recv-window", "60001"]), /^--recv-window: expected a whole number 1-60000/);
  assert.match(problems(["--data-dir="]), /^--data-dir: must not be empty/);
  assert.match(problems(["--history", "99"]), /^--history: expected a whole number 100-1000000/);
  assert.equal(run([], { ROUTER_HISTORY: "500" }).history, 500);
  assert.match(problems(["--warm-ms", "1001"]), /^--warm-ms: expected a whole number 0-1000/);
  assert.match(problems([], { ROUTER_WARM_MS: "2ms" }), /^ROUTER_WARM_MS: expected a whole number 0-1000/);
  assert.equal(run(["--warm-ms", "0"]).warmMs, 0);
  assert.equal(run([], { ROUTER_WARM_MS: "5" }).warmMs, 5);
  const both = problems(["--port", "x"], { ROUTER_LOG_FORMAT: "yaml" });
  assert.match(both, /--port/);
  assert.match(both, /ROUTER_LOG_FORMAT/);
});

test("config: unknown flags, stray arguments and missing values are refused by name", () => {
  assert.match(problems(["--prot", "1"]), /--prot: unknown flag/);
  assert.match(problems(["serve"]), /"serve": unexpected argument/);
  assert.match(problems(["--port"]), /--port: needs a value/);
  assert.match(problems(["--host", "--testnet"]), /--host: needs a value/);
  assert.match(problems(["--port", "1", "--port", "2"]), /--port: given more than once/);
  // A secret given as a flag the router does not take (it reads secrets from the environment only): the
  // message names the flag and the value's length, never the value.
  const secret = problems(["--secret-key", "MYSECRETVALUE123", "--port", "1"]);
  assert.match(
    secret,
    /--secret-key: unknown flag \(see --help\); the value after it \(16 characters\) is ignored/,
  );
  assert.ok(!secret.includes("MYSECRETVALUE123"), secret);
  assert.doesNotMatch(secret, /--port/, "the flags after it are still read");
});

test("config: HMAC credentials select production; --testnet and --ws-url change the endpoint", () => {
  const prod = run([], HMAC_ENV);
  assert.equal(prod.mode, "production");
  assert.equal(prod.endpoint, PRODUCTION_WS_URL);
  assert.equal(prod.credentials?.kind, "hmac");
  assert.equal(prod.credentials?.apiKey.reveal(), API_KEY);
  const testnet = run(["--testnet"], HMAC_ENV);
  assert.equal(testnet.mode, "testnet");
  assert.equal(testnet.endpoint, TESTNET_WS_URL);
  assert.equal(run([], { ...HMAC_ENV, BINANCE_TESTNET: "true" }).mode, "testnet");
  const custom = run([], { ...HMAC_ENV, BINANCE_WS_URL: "ws://127.0.0.1:9/ws-fapi/v1" });
  assert.equal(custom.mode, "custom");
  assert.equal(custom.endpoint, "ws://127.0.0.1:9/ws-fapi/v1");
  // Binance's market-maker host is production's account through another door.
  const mm = run(["--ws-url", "wss://ws-fapi-mm.binance.com/ws-fapi/v1"], HMAC_ENV);
  assert.deepEqual([mm.mode, mm.endpoint, mm.restUrl, mm.streamUrl], [
    "production",
    "wss://ws-fapi-mm.binance.com/ws-fapi/v1",
    "https://fapi.binance.com",
    "wss://fstream.binance.com",
  ]);
  assert.match(
    problems(["--ws-url", "wss://ws-fapi-mm.binance.com/ws-fapi/v1", "--testnet"], HMAC_ENV),
    /^--ws-url: ws-fapi-mm\.binance\.com is production.s; it cannot go with --testnet/,
  );
  assert.match(
    problems(["--ws-url", "https://example.com"], HMAC_ENV),
    /^--ws-url: expected a ws:\/\/ or wss:\/\/ URL/,
  );
});

test("config: Ed25519 credentials name the key file", () => {
  const c = run([], { BINANCE_API_KEY: API_KEY, BINANCE_PRIVATE_KEY_PATH: "/keys/ed25519.pem" });
  assert.equal(c.credentials?.kind, "ed25519");
  assert.equal(c.credentials?.kind === "ed25519" ? c.credentials.privateKeyPath : "", "/keys/ed25519.pem");
});

test("config: incomplete or conflicting credentials are refused with the variables named", () => {
  assert.match(
    problems([], { BINANCE_API_KEY: API_KEY }),
    /^BINANCE_API_KEY: set, but neither BINANCE_SECRET_KEY/,
  );
  assert.match(
    problems([], { ...HMAC_ENV, BINANCE_PRIVATE_KEY_PATH: "/k.pem" }),
    /BINANCE_SECRET_KEY and BINANCE_PRIVATE_KEY_PATH: both set/,
  );
  assert.match(
    problems([], { BINANCE_SECRET_KEY: SECRET }),
    /^BINANCE_SECRET_KEY: set, but BINANCE_API_KEY is not/,
  );
  assert.match(problems(["--testnet"]), /^--testnet: needs credentials/);
  assert.match(problems(["--ws-url", "wss://x.example/ws"]), /^--ws-url: needs credentials/);
});

test("config: a malformed key or secret is named once, for what is wrong with it, never as missing", () => {
  const cases: [Record<string, string>, string][] = [
    [{ BINANCE_SECRET_KEY: "has a space in it" }, "BINANCE_SECRET_KEY: contains whitespace"],
    [{ BINANCE_SECRET_KEY: `${SECRET}\n` }, "BINANCE_SECRET_KEY: has leading or trailing whitespace"],
    [{ BINANCE_SECRET_KEY: "   " }, "BINANCE_SECRET_KEY: only whitespace"],
    [{ BINANCE_SECRET_KEY: "s\u00e9cret" }, "BINANCE_SECRET_KEY: contains a control or non-ASCII character"],
    [{ BINANCE_SECRET_KEY: "x".repeat(257) }, "BINANCE_SECRET_KEY: longer than 256 characters"],
    [{ BINANCE_API_KEY: "api key" }, "BINANCE_API_KEY: contains whitespace"],
  ];
  for (const [bad, expected] of cases) {
    const text = problems(["--ws-url", "ws://127.0.0.1:9/ws-fapi/v1"], { ...HMAC_ENV, ...bad });
    const lines = text.split("\n");
    assert.equal(lines.length, 1, `one problem for ${expected}:\n${text}`);
    assert.ok(lines[0]!.startsWith(expected), text);
    assert.match(lines[0]!, /; expected 1-256 visible ASCII characters, got \(\d+ characters\)$/);
    assert.doesNotMatch(text, /neither|is not|needs credentials/, "a malformed value is not a missing one");
    for (const value of Object.values(bad)) {
      if (value.trim() !== "") assert.ok(!text.includes(value.trim()), "the value is not quoted");
    }
  }
  // With an Ed25519 key file instead of a secret, a malformed API key is still the only problem.
  assert.equal(
    problems([], { BINANCE_API_KEY: "api key", BINANCE_PRIVATE_KEY_PATH: "/k.pem" }),
    "BINANCE_API_KEY: contains whitespace; expected 1-256 visible ASCII characters, got (7 characters)",
  );
});

test("config: a non-loopback host needs ROUTER_TOKEN; the token must be long enough", () => {
  assert.match(
    problems(["--host", "0.0.0.0"]),
    /^--host: "0.0.0.0" is not a loopback address; set ROUTER_TOKEN/,
  );
  assert.match(problems([], { ROUTER_HOST: "10.1.2.3" }), /^ROUTER_HOST: /);
  const exposed = run(["--host", "0.0.0.0"], { ROUTER_TOKEN: TOKEN });
  assert.equal(exposed.host, "0.0.0.0");
  assert.equal(exposed.token?.reveal(), TOKEN);
  assert.equal(run(["--host", "[::1]"]).host, "::1");
  assert.equal(run(["--host", "localhost"]).host, "localhost");
  const short = problems([], { ROUTER_TOKEN: "short secret" });
  assert.match(short, /^ROUTER_TOKEN: expected 16-512 visible ASCII characters/);
  assert.ok(!short.includes("short secret"), "the message must not quote a secret");
});

test("config: isLoopbackHost", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST"]) {
    assert.ok(isLoopbackHost(h), h);
  }
  for (const h of ["0.0.0.0", "::", "10.0.0.1", "example.com", "128.0.0.1"]) assert.ok(!isLoopbackHost(h), h);
});

test("config: --help lists every flag and variable, and wins over bad values", () => {
  const parsed = parseConfig({ args: ["--port", "nope", "--help"], env: { ROUTER_PORT: "x" } });
  assert.equal(parsed.kind, "help");
  const text = parsed.kind === "help" ? parsed.text : "";
  for (const s of SETTINGS) {
    if (s.flag !== undefined) assert.ok(text.includes(s.flag), `help lists ${s.flag}`);
    if (s.env !== undefined) assert.ok(text.includes(s.env), `help lists ${s.env}`);
  }
  assert.equal(parseConfig({ args: ["-h"], env: {} }).kind, "help");
  assert.equal(parseConfig({ args: ["--version"], env: {} }).kind, "version");
});

test("config: secrets are redacted in JSON, String, inspect and redacted()", () => {
  const c = run(["--host", "0.0.0.0"], { ...HMAC_ENV, ROUTER_TOKEN: TOKEN });
  const views = [
    JSON.stringify(c),
    String(c),
    inspect(c, { depth: 10 }),
    inspect(c.credentials, { depth: 10 }),
    JSON.stringify(c.redacted()),
    `${c.token}`,
  ];
  for (const view of views) {
    for (const secret of [API_KEY, SECRET, TOKEN]) assert.ok(!view.includes(secret), `leaked in ${view}`);
  }
  assert.match(JSON.stringify(c), /\[redacted\]/);
  assert.equal(c.redacted().mode, "production");
  const bad = problems([], { BINANCE_API_KEY: "has space in it", BINANCE_SECRET_KEY: SECRET });
  assert.ok(!bad.includes("has space"), bad);
});

test("config: dead-man's switch bounds, REST URL defaults, and custom endpoints need a REST URL", () => {
  assert.equal(run([]).deadManMs, undefined);
  assert.equal(run(["--dead-man-ms", "60000"], HMAC_ENV).restUrl, "https://fapi.binance.com");
  assert.equal(
    run(["--testnet", "--dead-man-ms", "60000"], HMAC_ENV).restUrl,
    "https://testnet.binancefuture.com",
  );
  assert.match(problems(["--dead-man-ms", "100"]), /^--dead-man-ms: expected a whole number 5000-86400000/);
  assert.match(
    problems(["--ws-url", "ws://127.0.0.1:9/ws-fapi/v1", "--dead-man-ms", "60000"], HMAC_ENV),
    /--dead-man-ms: with a custom --ws-url, also set --rest-url/,
  );
  const c = run([
    "--ws-url",
    "ws://127.0.0.1:9/x",
    "--dead-man-ms",
    "9000",
    "--rest-url",
    "http://127.0.0.1:9/",
  ], HMAC_ENV);
  assert.equal(c.restUrl, "http://127.0.0.1:9");
  assert.equal(c.deadManMs, 9000);
});
