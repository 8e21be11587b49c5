import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmacSigner, type HmacSigner, verifyHmacSigner } from "../../lib/signing/hmac_signer.ts";
import * as v from "./_vectors.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

test("createHmacSigner: picks the native hasher on Bun, TypeScript elsewhere", () => {
  assert.equal(createHmacSigner("s").implementation, isBun ? "bun-native" : "typescript");
});

test("createHmacSigner: every available implementation signs the published vectors", () => {
  const impls: ("typescript" | "bun-native")[] = isBun ? ["typescript", "bun-native"] : ["typescript"];
  for (const implementation of impls) {
    const s = createHmacSigner(v.V1_SECRET, { implementation });
    assert.equal(s.hex(v.V1_PAYLOAD), v.V1_SIGNATURE, implementation);
    assert.equal(s.hex(v.V1_UNICODE_PAYLOAD), v.V1_UNICODE_SIGNATURE, implementation);
    assert.equal(s.hex(v.V5_PAYLOAD), v.V5_SIGNATURE, implementation);
  }
});

test("createHmacSigner: bun-native exists exactly on Bun", () => {
  if (isBun) {
    assert.equal(createHmacSigner("s", { implementation: "bun-native" }).implementation, "bun-native");
  } else assert.throws(() => createHmacSigner("s", { implementation: "bun-native" }), /needs Bun/);
});

test("verifyHmacSigner: accepts the real signer and refuses a wrong one", async () => {
  assert.equal(await verifyHmacSigner(createHmacSigner(v.V1_SECRET), v.V1_SECRET), true);
  const other = createHmacSigner("other");
  const broken: HmacSigner = {
    implementation: "typescript",
    hex: (p) => other.hex(p),
    withPrefix: (p) => other.withPrefix(p),
  };
  assert.equal(await verifyHmacSigner(broken, v.V1_SECRET), false);
  const real = createHmacSigner(v.V1_SECRET);
  const brokenPrefix: HmacSigner = {
    implementation: "typescript",
    hex: (p) => real.hex(p),
    withPrefix: (p) => other.withPrefix(p),
  };
  assert.equal(await verifyHmacSigner(brokenPrefix, v.V1_SECRET), false, "the prefixed path is checked too");
});

test("createHmacSigner: a stale crypto error elsewhere in the process does not break signing", async () => {
  // On Bun 1.4 a failed key import leaves an error behind that the next keyed CryptoHasher call throws.
  await assert.rejects(
    crypto.subtle.importKey("pkcs8", new Uint8Array(12), { name: "Ed25519" }, false, ["sign"]),
  );
  assert.equal(createHmacSigner(v.V1_SECRET).hex(v.V1_PAYLOAD), v.V1_SIGNATURE);
  const prefixed = createHmacSigner(v.V1_SECRET).withPrefix("apiKey=" + v.V1_API_KEY);
  await assert.rejects(
    crypto.subtle.importKey("pkcs8", new Uint8Array(12), { name: "Ed25519" }, false, ["sign"]),
  );
  assert.equal(prefixed.hex(v.V1_PAYLOAD.slice(("apiKey=" + v.V1_API_KEY).length)), v.V1_SIGNATURE);
});
