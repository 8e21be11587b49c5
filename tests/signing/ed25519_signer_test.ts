import { test } from "node:test";
import assert from "node:assert/strict";
import { Ed25519Signer } from "../../lib/signing/ed25519_signer.ts";
import * as v from "./_vectors.ts";

test("Ed25519Signer: published FIX vector V4", async () => {
  const signer = await Ed25519Signer.fromPem(v.V4_PEM);
  assert.equal(await signer.sign(v.V4_MESSAGE), v.V4_SIGNATURE);
});

test("Ed25519Signer: session.logon payload V5", async () => {
  const signer = await Ed25519Signer.fromPem(v.V4_PEM);
  assert.equal(await signer.sign(v.V2_PAYLOAD), v.V5_ED25519_LOGON);
});

test("Ed25519Signer: bad PEM input names the problem without echoing the key", async () => {
  await assert.rejects(Ed25519Signer.fromPem("nothing here"), /PKCS#8 PEM block/);
  await assert.rejects(
    Ed25519Signer.fromPem("-----BEGIN PRIVATE KEY-----\n!!!notbase64\n-----END PRIVATE KEY-----"),
    /not valid base64/,
  );
  const rsaLike = "-----BEGIN PRIVATE KEY-----\nAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----";
  await assert.rejects(Ed25519Signer.fromPem(rsaLike), (e: Error) => {
    assert.match(e.message, /not a PKCS#8 Ed25519 private key/);
    assert.ok(!e.message.includes("AAAAAAAA"));
    return true;
  });
});
