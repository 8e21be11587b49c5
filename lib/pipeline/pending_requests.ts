/**
 * The table of requests awaiting an answer. Request ids are sequential integers, so the table is a
 * power-of-two ring indexed by `id & mask`: O(1) insert and lookup with no hashing, and no allocation per
 * request beyond the caller's promise (all per-request fields live in preallocated typed arrays).
 *
 * @module
 */

/** Settles a caller's promise. */
type Settle = (value: unknown) => void;

/**
 * Told of a request's result in the turn its answer arrives, before anything else is: before the order's
 * observer (tracker, journal) and before the caller's promise settles. A gateway forwarding the answer to
 * its own client writes it here, so that the bookkeeping runs after the write instead of before it.
 *
 * @example
 * ```ts
 * const prompt: PromptAnswer = { answered: (result) => console.log("ack", result) };
 * ```
 */
export interface PromptAnswer {
  /** The exchange's result (a 200 answer; errors still reject the promise). Must not throw. */
  answered(result: unknown): void;
}

/** Options for {@linkcode PendingRequests}. */
export interface PendingRequestsOptions {
  /** Maximum requests in flight; rounded up to a power of two. Default 4096. */
  capacity?: number;
}

/**
 * Pending requests by id. The owner reads a slot's fields by index, then settles it with `resolve`/`reject`.
 *
 * @example
 * ```ts
 * const pending = new PendingRequests({ capacity: 1024 });
 * const id = pending.nextId();
 * const done = new Promise((res, rej) => pending.add({ id, method: 0, clientOrderId: "", mutating: false, connection: 1, deadline: 1e12, sentAt: 0, resolve: res, reject: rej }));
 * pending.resolve(pending.indexOf(id), "ok");
 * ```
 */
export class PendingRequests {
  readonly #mask: number;
  readonly #ids: Float64Array;
  readonly #deadlines: Float64Array;
  readonly #sentAt: Float64Array;
  readonly #methods: Int32Array;
  readonly #connections: Int32Array;
  readonly #mutating: Uint8Array;
  readonly #clientOrderIds: string[];
  readonly #resolves: (Settle | undefined)[];
  readonly #rejects: (Settle | undefined)[];
  readonly #prompts: (PromptAnswer | undefined)[];
  #next = 1;
  #oldest = 1;
  #size = 0;

  constructor(options: PendingRequestsOptions = {}) {
    let cap = 2;
    while (cap < (options.capacity ?? 4096)) cap <<= 1;
    this.#mask = cap - 1;
    this.#ids = new Float64Array(cap);
    this.#deadlines = new Float64Array(cap);
    this.#sentAt = new Float64Array(cap);
    this.#methods = new Int32Array(cap);
    this.#connections = new Int32Array(cap);
    this.#mutating = new Uint8Array(cap);
    this.#clientOrderIds = new Array<string>(cap).fill("");
    this.#resolves = new Array<Settle | undefined>(cap).fill(undefined);
    this.#rejects = new Array<Settle | undefined>(cap).fill(undefined);
    this.#prompts = new Array<PromptAnswer | undefined>(cap).fill(undefined);
  }

  /** Requests in flight. */
  get size(): number {
    return this.#size;
  }

  /** The id the next `add` must use, or -1 when its slot is still taken (too many in flight). */
  nextId(): number {
    return this.#ids[this.#next & this.#mask] === 0 ? this.#next : -1;
  }

  /** Stores a request under the id from `nextId()`, settled through `entry.resolve`/`entry.reject`. */
  add(
    entry: {
      id: number;
      method: number;
      clientOrderId: string;
      mutating: boolean;
      connection: number;
      deadline: number;
      sentAt: number;
      resolve: Settle;
      reject: Settle;
    },
  ): void {
    const { id, method, clientOrderId, mutating, connection, deadline, sentAt } = entry;
    this.#store(
      id,
      method,
      clientOrderId,
      mutating,
      connection,
      deadline,
      sentAt,
      entry.resolve,
      entry.reject,
    );
  }

  /**
   * Stores a request under the id from `nextId()` and returns the promise its answer settles: the hot path's
   * `add`, with no executor closure and no entry object per request (the executor is bound once).
   */
  open(
    id: number,
    method: number,
    clientOrderId: string,
    mutating: boolean,
    connection: number,
    deadline: number,
    sentAt: number,
  ): Promise<unknown> {
    const promise = new Promise(this.#capture);
    this.#store(
      id,
      method,
      clientOrderId,
      mutating,
      connection,
      deadline,
      sentAt,
      this.#resolve!,
      this.#reject!,
    );
    this.#resolve = this.#reject = undefined;
    return promise;
  }

  /** The settle functions of the promise `open` is creating (kept only until it stores them). */
  #resolve: Settle | undefined;
  #reject: Settle | undefined;
  readonly #capture = (resolve: Settle, reject: Settle): void => {
    this.#resolve = resolve;
    this.#reject = reject;
  };

  #store(
    id: number,
    method: number,
    clientOrderId: string,
    mutating: boolean,
    connection: number,
    deadline: number,
    sentAt: number,
    resolve: Settle,
    reject: Settle,
  ): void {
    const i = id & this.#mask;
    this.#ids[i] = id;
    this.#methods[i] = method;
    this.#clientOrderIds[i] = clientOrderId;
    this.#mutating[i] = mutating ? 1 : 0;
    this.#connections[i] = connection;
    this.#deadlines[i] = deadline;
    this.#sentAt[i] = sentAt;
    this.#resolves[i] = resolve;
    this.#rejects[i] = reject;
    this.#next = id + 1;
    this.#size++;
  }

  /** The slot of request `id`, or -1 when it is not pending (answered, expired, or never sent). */
  indexOf(id: number): number {
    const i = id & this.#mask;
    return this.#ids[i] === id ? i : -1;
  }

  /** Id of the request in slot `i`. */
  id(i: number): number {
    return this.#ids[i]!;
  }
  /** Method index of the request in slot `i`. */
  method(i: number): number {
    return this.#methods[i]!;
  }
  /** Client order id carried by the request in slot `i` ("" if none). */
  clientOrderId(i: number): string {
    return this.#clientOrderIds[i]!;
  }
  /** Whether the request in slot `i` mutates orders. */
  mutating(i: number): boolean {
    return this.#mutating[i] === 1;
  }
  /** Connection generation the request in slot `i` was sent on. */
  connection(i: number): number {
    return this.#connections[i]!;
  }
  /** `performance.now()` when the request in slot `i` was sent. */
  sentAt(i: number): number {
    return this.#sentAt[i]!;
  }

  /** Has `prompt` told of the result of the request in slot `i` before it resolves. */
  listen(i: number, prompt: PromptAnswer): void {
    this.#prompts[i] = prompt;
  }

  /** The listener of slot `i` (see `listen`), if any; it is told no more (it is taken from the slot). */
  takePrompt(i: number): PromptAnswer | undefined {
    const prompt = this.#prompts[i];
    if (prompt !== undefined) this.#prompts[i] = undefined;
    return prompt;
  }

  /** Resolves and frees slot `i`. */
  resolve(i: number, value: unknown): void {
    const settle = this.#resolves[i]!;
    this.#free(i);
    settle(value);
  }

  /** Rejects and frees slot `i`. */
  reject(i: number, error: unknown): void {
    const settle = this.#rejects[i]!;
    this.#free(i);
    settle(error);
  }

  /**
   * The slot of the oldest pending request whose deadline is before `now`, or -1. Deadlines grow with ids
   * (one timeout per router), so the scan stops at the first live request.
   */
  oldestExpired(now: number): number {
    while (this.#oldest < this.#next) {
      const i = this.#oldest & this.#mask;
      if (this.#ids[i] !== this.#oldest) {
        this.#oldest++;
        continue;
      }
      return this.#deadlines[i]! <= now ? i : -1;
    }
    return -1;
  }

  /** Slots of every pending request sent on connection `connection` (all if -1), oldest first. */
  slotsOf(connection: number): number[] {
    const out: number[] = [];
    for (let id = this.#oldest; id < this.#next; id++) {
      const i = id & this.#mask;
      if (this.#ids[i] === id && (connection === -1 || this.#connections[i] === connection)) out.push(i);
    }
    return out;
  }

  #free(i: number): void {
    this.#ids[i] = 0;
    this.#resolves[i] = undefined;
    this.#rejects[i] = undefined;
    this.#prompts[i] = undefined;
    this.#clientOrderIds[i] = "";
    this.#size--;
  }
}
