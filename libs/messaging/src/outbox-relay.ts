import { Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { PendingEvent } from '@slotbook/contracts';
import type { EventPublisher } from './event-publisher';

/** A record's waiting events as a read found them, at the record's version then. */
export interface OutboxSnapshot {
  recordId: string;
  version: number;
  events: PendingEvent[];
}

/** Where the outbox lives: inside the records themselves, written with each change. */
export interface OutboxStore {
  /** Records with events waiting, up to `limit`, with those events. */
  pending(limit: number): Promise<OutboxSnapshot[]>;
  /**
   * Hands the record's waiting events to `publish` (which answers the ids the broker
   * confirmed) and removes those, starting from the snapshot and reading again only if the
   * record changed since. Answers how many were removed.
   */
  relay(
    record: OutboxSnapshot,
    publish: (events: PendingEvent[]) => Promise<string[]>,
  ): Promise<number>;
}

export interface OutboxRelayOptions {
  intervalMs: number;
  /** Publish right after a write (default), or leave it to the next timed pass. */
  publishOnWrite?: boolean;
  batchSize: number;
}

/** Records written here and waiting to be relayed at once; more are left to the timed pass. */
const MAX_WRITTEN_WAITING = 10_000;
/** Records relayed at the same time (each record's events strictly one after the other). */
const WRITTEN_CONCURRENCY = 8;
/** Event ids this relay had confirmed recently: not published again by a later snapshot. */
const CONFIRMED_REMEMBERED = 10_000;

/**
 * Moves events from the outbox to the broker: publish with confirm, then remove. A crash in
 * between republishes (at least once; subscribers de-duplicate by id); events of one record
 * go out in the order they were written.
 *
 * A writer that knows what it wrote hands the relay that snapshot ({@link kick}): it is relayed
 * at once, without looking for it, a few records at a time. Anything else (other writes, a
 * record whose relay failed, a replica that died before relaying) is found by the timed pass
 * through the store's pending query, which therefore stays small however busy the platform is.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private again = false;
  private stopped = false;
  /** Snapshots handed over by writers, newest per record, in the order they came. */
  private readonly written = new Map<string, OutboxSnapshot>();
  /** Records being relayed from a snapshot right now. */
  private readonly relaying = new Map<string, Promise<unknown>>();
  private readonly confirmed = new LRUCache<string, true>({ max: CONFIRMED_REMEMBERED });

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /**
   * Asks for the events of a change to go out now, e.g. right after it was acknowledged to a
   * client: those of `written` (the record as its writer wrote it), or with no snapshot, those
   * a pass finds.
   */
  kick(written?: OutboxSnapshot): void {
    if (this.options.publishOnWrite === false || this.stopped) return;
    if (!written) return this.run();
    const queued = this.written.get(written.recordId);
    if (queued && queued.version >= written.version) return;
    if (!queued && this.written.size >= MAX_WRITTEN_WAITING) return; // the timed pass will
    this.written.set(written.recordId, written);
    this.relayWritten();
  }

  /** Starts relaying handed-over snapshots, up to the concurrency, never two of one record. */
  private relayWritten(): void {
    for (const snapshot of this.written.values()) {
      if (this.relaying.size >= WRITTEN_CONCURRENCY) return;
      const { recordId } = snapshot;
      if (this.relaying.has(recordId)) continue;
      this.written.delete(recordId);
      const done = this.store
        .relay(snapshot, (events) => this.publishInOrder(recordId, events))
        .catch((error: unknown) => {
          this.logger.warn({ err: error, recordId }, 'record not relayed; will retry');
        })
        .finally(() => {
          this.relaying.delete(recordId);
          if (!this.stopped) this.relayWritten();
        });
      this.relaying.set(recordId, done);
    }
  }

  private run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.run();
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.written.clear();
    await Promise.all([this.running, ...this.relaying.values()]);
  }

  /** One relay pass; resolves when every waiting event was published or left for later. */
  async pass(): Promise<number> {
    try {
      const records = await this.store.pending(this.options.batchSize);
      // Record after record, the events of each strictly in order.
      let published = 0;
      for (const record of records) {
        const { recordId } = record;
        // Handed over by its writer: being relayed already.
        if (this.relaying.has(recordId) || this.written.has(recordId)) continue;
        // Registered as being relayed, so that a writer handing it over meanwhile waits for
        // this relay (and then finds its events confirmed) instead of publishing them too.
        const relayed = this.store.relay(record, (events) => this.publishInOrder(recordId, events));
        this.relaying.set(recordId, relayed);
        try {
          published += await relayed;
        } catch (error) {
          // One record that cannot be relayed now must not hold up the others.
          this.logger.warn({ err: error, recordId }, 'record not relayed; will retry');
        } finally {
          this.relaying.delete(recordId);
          if (!this.stopped) this.relayWritten();
        }
      }
      return published;
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox pass failed; will retry');
      return 0;
    }
  }

  private async publishInOrder(recordId: string, events: PendingEvent[]): Promise<string[]> {
    const done: string[] = [];
    try {
      for (const event of events) {
        // Confirmed already (an older snapshot of the record): removed, not sent again.
        if (!this.confirmed.has(event.id)) {
          await this.publisher.publish(event);
          this.confirmed.set(event.id, true);
        }
        done.push(event.id);
      }
    } catch (error) {
      this.logger.warn({ err: error, recordId }, 'event not confirmed; will retry');
    }
    return done;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.run();
      void (this.running ?? Promise.resolve()).finally(() => this.schedule());
    }, this.options.intervalMs);
  }
}
