/**
 * Child process for main_e2e_test: installs the runtime adapter's fatal handler the way main.ts does, then
 * fails in the way named by its first argument. It must exit 70 with one "fatal" line.
 */

import { runtime } from "../../lib/cli/process.ts";

runtime.onFatal((error, kind) => {
  runtime.writeStderr(`fatal ${kind}: ${error instanceof Error ? error.message : String(error)}`);
  runtime.exit(70);
});
// If the handler did not fire, this exit code tells the test.
setTimeout(() => runtime.exit(0), 10_000);
if (runtime.args()[0] === "reject") {
  void Promise.reject(new Error("boom-rejection"));
} else {
  setTimeout(() => {
    throw new Error("boom-exception");
  }, 1);
}
