/**
 * Undo steps in reverse order of setup, so every way out of `Gateway.open` (a failure half-way, or `close`)
 * runs the same teardown once.
 *
 * @module
 */

/**
 * A last-in, first-out list of async teardown steps. A step that fails does not stop the ones after it.
 *
 * @example
 * ```ts
 * const stack = new DisposalStack();
 * stack.defer(() => console.log("second"));
 * stack.defer(() => console.log("first"));
 * await stack.dispose();
 * ```
 */
export class DisposalStack {
  readonly #steps: (() => unknown)[] = [];
  #disposed: Promise<void> | undefined;

  /** Adds a step; it runs before every step added earlier. */
  defer(step: () => unknown): void {
    this.#steps.push(step);
  }

  /** Runs every step once, newest first; later calls return the same promise. */
  dispose(): Promise<void> {
    return this.#disposed ??= this.#run();
  }

  async #run(): Promise<void> {
    for (let step = this.#steps.pop(); step !== undefined; step = this.#steps.pop()) {
      try {
        await step();
      } catch { /* teardown goes on: a failing step must not leave the rest open */ }
    }
  }
}
