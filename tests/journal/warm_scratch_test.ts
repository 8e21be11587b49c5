import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { join } from "node:path";
import { SCRATCH_LIMIT, SCRATCH_NAME, WarmScratch } from "../../lib/journal/_warm_scratch.ts";
import { listJournalFiles } from "../../lib/journal/_file.ts";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { PLACE, withDir } from "./_helpers.ts";

const LINE = new TextEncoder().encode('0123abcd {"t":"intent"}\n');

test("scratch: created 0600, written as given, never past its limit, deleted on close", async () => {
  await withDir((dir) => {
    const scratch = WarmScratch.open(dir)!;
    assert.ok(scratch !== undefined);
    const path = join(dir, SCRATCH_NAME);
    assert.equal(fs.statSync(path).mode & 0o777, 0o600);
    assert.equal(scratch.write(LINE, LINE.length), LINE.length);
    assert.equal(fs.readFileSync(path, "utf8"), new TextDecoder().decode(LINE));
    const fits = Math.floor(SCRATCH_LIMIT / LINE.length);
    for (let i = 1; i < fits; i++) scratch.write(LINE, LINE.length);
    assert.equal(fs.statSync(path).size, fits * LINE.length, "up to the limit, every line kept");
    scratch.write(LINE, LINE.length);
    assert.equal(fs.statSync(path).size, LINE.length, "past the limit: cut back, then the line");
    scratch.close();
    assert.equal(fs.existsSync(path), false);
    const reopened = WarmScratch.open(dir)!; // likely on the descriptor number just freed
    scratch.close(); // twice: nothing done, so the new file's descriptor stays open
    assert.equal(reopened.write(LINE, LINE.length), LINE.length);
    assert.equal(fs.readFileSync(path, "utf8"), new TextDecoder().decode(LINE));
    reopened.close();
  });
});

test("scratch: a leftover is reused; a directory it cannot use gives none; recovery never reads it", async () => {
  await withDir((dir) => {
    fs.writeFileSync(join(dir, SCRATCH_NAME), "left over by a killed process\n");
    const scratch = WarmScratch.open(dir)!;
    scratch.write(LINE, LINE.length);
    assert.equal(
      fs.readFileSync(join(dir, SCRATCH_NAME), "utf8"),
      "left over by a killed process\n" + new TextDecoder().decode(LINE),
    );
    assert.deepEqual(listJournalFiles(dir), [], "not a journal file");
    scratch.close();
    assert.equal(WarmScratch.open(join(dir, "missing")), undefined);

    // A journal opened on a directory holding a scratch file recovers nothing from it and keeps running.
    fs.writeFileSync(join(dir, SCRATCH_NAME), "garbage that is no journal line\n");
    const { journal, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual([recovery.corrupt, recovery.damage, recovery.unresolved, recovery.records], [
      [],
      [],
      [],
      0,
    ]);
    journal.appendIntent("a", "order.place", PLACE);
    assert.ok(journal.warm() > 0);
    journal.close();
    assert.equal(fs.existsSync(join(dir, SCRATCH_NAME)), false);
  });
});

test("scratch: a failing write reports 0 and the warm-up goes on", async () => {
  await withDir((dir) => {
    let fail = false;
    const scratch = WarmScratch.open(dir, (fd, buffer, offset, length) => {
      if (fail) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      return fs.writeSync(fd, buffer, offset, length);
    })!;
    assert.equal(scratch.write(LINE, LINE.length), LINE.length);
    fail = true;
    assert.equal(scratch.write(LINE, LINE.length), 0);
    fail = false;
    assert.equal(scratch.write(LINE, LINE.length), LINE.length);
    scratch.close();
  });
});
