/**
 * Test helpers for the link: a recording {@linkcode LinkOwner} whose behaviour each test sets, and a link
 * on a manual clock connected to a simulator on 127.0.0.1.
 */
import type { Connection } from "../../lib/connection/connection.ts";
import { Link, type LinkEvent, type LinkOptions, type LinkOwner } from "../../lib/connection/link.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { ManualClock } from "../_manual_clock.ts";
import { simulator } from "../router/_harness.ts";

/**
 * Records everything the link tells its owner; `until` waits (bounded) for a condition on that record.
 *
 * @example
 * ```ts
 * const owner = new RecordingOwner();
 * owner.prepareWith = () => Promise.reject(new Error("logon refused"));
 * await owner.until(() => owner.eventsOf("reconnecting").length > 0, "a failed attempt");
 * ```
 */
export class RecordingOwner implements LinkOwner {
  readonly events: LinkEvent[] = [];
  readonly prepared: Connection[] = [];
  readonly probes: Connection[] = [];
  readonly frames: string[] = [];
  readonly lost: { connection: Connection; reason: string }[] = [];
  /** Requests each socket reports in flight (rotation drains to zero). */
  readonly inFlight = new Map<Connection, number>();
  /** What `prepare` does after recording the socket; default: succeed at once. */
  prepareWith: (connection: Connection) => Promise<void> = () => Promise.resolve();
  #waiters: (() => void)[] = [];

  prepare(connection: Connection): Promise<void> {
    this.prepared.push(connection);
    this.#changed();
    return this.prepareWith(connection);
  }

  probe(connection: Connection): void {
    this.probes.push(connection);
  }

  /** What `quiet` answers (an IP ban: nothing of the link's own may go out). */
  banned = false;

  quiet(): boolean {
    return this.banned;
  }

  onFrame(text: string): void {
    this.frames.push(text);
    this.#changed();
  }

  onLost(connection: Connection, reason: string): void {
    this.lost.push({ connection, reason });
    this.#changed();
  }

  inFlightOn(connection: Connection): number {
    return this.inFlight.get(connection) ?? 0;
  }

  onLinkEvent(event: LinkEvent): void {
    this.events.push(event);
    this.#changed();
  }

  /** Events of one type, in order. */
  eventsOf<T extends LinkEvent["type"]>(type: T): Extract<LinkEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<LinkEvent, { type: T }> => e.type === type);
  }

  /** Resolves once `condition` holds (checked on every report); rejects naming `what` after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.push(check);
    });
  }

  #changed(): void {
    for (const w of [...this.#waiters]) w();
  }
}

/**
 * A started link on a manual clock, its owner and the simulator it talks to.
 *
 * @example
 * ```ts
 * const f: LinkFixture = await linkFixture();
 * f.clock.advance(1000);
 * await f.close();
 * ```
 */
export interface LinkFixture {
  sim: Simulator;
  owner: RecordingOwner;
  clock: ManualClock;
  link: Link;
  close(): Promise<void>;
}

/**
 * Starts a simulator and a link to it (started unless `start` is false), on a manual clock at 0.
 *
 * @example
 * ```ts
 * const f = await linkFixture({ deadLinkMs: 3000 });
 * f.clock.advance(3000); // the link declares the silent socket dead
 * ```
 */
export async function linkFixture(
  options: Omit<LinkOptions, "url" | "owner" | "clock"> = {},
  start = true,
): Promise<LinkFixture> {
  const sim = await simulator();
  const owner = new RecordingOwner();
  const clock = new ManualClock();
  const link = new Link({ url: sim.url, owner, clock, ...options });
  try {
    if (start) await link.start();
  } catch (e) {
    await sim.close();
    throw e;
  }
  return {
    sim,
    owner,
    clock,
    link,
    async close() {
      link.close();
      await sim.close();
    },
  };
}

/**
 * The link's active socket; throws when there is none.
 *
 * @example
 * ```ts
 * const f = await linkFixture();
 * activeOf(f.link).send('{"id":"1","method":"session.status"}');
 * ```
 */
export function activeOf(link: Link): Connection {
  const active = link.active;
  if (active === undefined) throw new Error("the link has no active socket");
  return active;
}
