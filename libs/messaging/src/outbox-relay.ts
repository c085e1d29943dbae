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

/** Which waiting records a {@link OutboxStore.pending} query answers. */
export interface PendingFilter {
  /** Only those written by this process (see the store's writer mark). */
  mine?: boolean;
  /** Only those whose events have waited since before this time (a recovery scan). */
  waitingSince?: Date;
}

/** Where the outbox lives: inside the records themselves, written with each change. */
export interface OutboxStore {
  /** Records with events waiting, up to `limit`, with those events. */
  pending(limit: number, filter?: PendingFilter): Promise<OutboxSnapshot[]>;
  /**
   * Hands each record's waiting events to `publish` (which answers the ids the broker
   * confirmed) and removes those from every record in one write, reading again only the
   * records that changed since their snapshot. Answers how many events were removed.
   */
  relay(
    records: OutboxSnapshot[],
    publish: (record: OutboxSnapshot, events: PendingEvent[]) => Promise<string[]>,
  ): Promise<number>;
}

export interface OutboxRelayOptions {
  /** How often the recovery scan looks for events nobody relayed (a replica that died). */
  intervalMs: number;
  /**
   * How long events wait before the recovery scan takes them: their writer's own relay
   * normally removes them within milliseconds, and a scan that took them sooner would publish
   * them a second time. Default 10 s.
   */
  graceMs?: number;
  /** Publish right after a write (default), or leave it to the recovery scan. */
  publishOnWrite?: boolean;
  /** Records published and removed together, in one write. */
  batchSize: number;
}

const DEFAULT_GRACE_MS = 10_000;
/** Records written here and waiting to be relayed; more are left to the recovery scan. */
const MAX_WAITING = 10_000;
/** Event ids this relay had confirmed recently: not published again by a later snapshot. */
const CONFIRMED_REMEMBERED = 10_000;

/**
 * Moves events from the outbox to the broker: publish with confirm, then remove. A crash in
 * between republishes (at least once; subscribers de-duplicate by id); events of one record
 * go out in the order they were written.
 *
 * A writer hands its write to the relay ({@link kick}): the snapshot it wrote, or, without one,
 * the relay looks up the records this process wrote. What is handed over while a batch is
 * being relayed waits, and goes out together as the next batch: one publish per event and one
 * write per batch. Records no writer relayed (its replica died, the broker was away) are found
 * by a rare recovery scan, only once their events have waited longer than a grace, so that it
 * does not publish again what a live writer is relaying at that moment.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Snapshots handed over by writers, newest per record, in the order they came. */
  private readonly waiting = new Map<string, OutboxSnapshot>();
  /** A writer without a snapshot asked for this process's own records to be looked up. */
  private lookUpMine = false;
  /** The batch loop, while it runs. */
  private flowing?: Promise<void>;
  /** Records being relayed right now, by the batch loop or a recovery scan. */
  private readonly relaying = new Set<string>();
  private readonly relays = new Set<Promise<unknown>>();
  private readonly confirmed = new LRUCache<string, true>({ max: CONFIRMED_REMEMBERED });

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {}

  /** Runs a recovery scan now (for what a previous run of the service left) and then rarely. */
  start(): void {
    this.stopped = false;
    const scan = () => {
      this.timer = setTimeout(() => {
        void this.pass().finally(() => {
          if (!this.stopped) scan();
        });
      }, this.options.intervalMs);
    };
    void this.pass().finally(() => {
      if (!this.stopped) scan();
    });
  }

  /**
   * Asks for the events of a change to go out now, e.g. right after it was acknowledged to a
   * client: those of `written` (the record as its writer wrote it), or with no snapshot, those
   * of the records this process wrote.
   */
  kick(written?: OutboxSnapshot): void {
    if (this.options.publishOnWrite === false || this.stopped) return;
    if (!written) {
      this.lookUpMine = true;
    } else {
      const queued = this.waiting.get(written.recordId);
      if (queued && queued.version >= written.version) return;
      if (!queued && this.waiting.size >= MAX_WAITING) return; // the recovery scan will
      this.waiting.set(written.recordId, written);
    }
    this.flow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.waiting.clear();
    await Promise.all([this.flowing, ...this.relays]);
  }

  /**
   * One recovery scan: relays the records whose events have waited longer than the grace.
   * Resolves with how many events it removed.
   */
  async pass(): Promise<number> {
    const waitingSince = new Date(Date.now() - (this.options.graceMs ?? DEFAULT_GRACE_MS));
    let records: OutboxSnapshot[];
    try {
      records = await this.store.pending(this.options.batchSize, { waitingSince });
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox scan failed; will retry');
      return 0;
    }
    // Handed over by its writer: that relay has it.
    const free = records.filter(
      (r) => !this.relaying.has(r.recordId) && !this.waiting.has(r.recordId),
    );
    return this.relayBatch(free);
  }

  /** Relays handed-over snapshots batch after batch until none wait; one loop at a time. */
  private flow(): void {
    if (this.flowing || this.stopped) return;
    this.flowing = this.drain().finally(() => {
      this.flowing = undefined;
      if (this.lookUpMine || this.readyToRelay().length > 0) this.flow();
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      if (this.lookUpMine) {
        this.lookUpMine = false;
        try {
          for (const record of await this.store.pending(this.options.batchSize, { mine: true })) {
            if (!this.waiting.has(record.recordId)) this.waiting.set(record.recordId, record);
          }
        } catch (error) {
          this.logger.warn({ err: error }, 'outbox lookup failed; the recovery scan will retry');
        }
      }
      const batch = this.readyToRelay();
      if (batch.length === 0) return;
      for (const record of batch) this.waiting.delete(record.recordId);
      await this.relayBatch(batch);
    }
  }

  /** Waiting snapshots of records not being relayed right now, up to a batch. */
  private readyToRelay(): OutboxSnapshot[] {
    const batch: OutboxSnapshot[] = [];
    for (const snapshot of this.waiting.values()) {
      if (batch.length >= this.options.batchSize) break;
      if (!this.relaying.has(snapshot.recordId)) batch.push(snapshot);
    }
    return batch;
  }

  private async relayBatch(records: OutboxSnapshot[]): Promise<number> {
    if (records.length === 0) return 0;
    for (const record of records) this.relaying.add(record.recordId);
    const relayed = this.store.relay(records, (record, events) =>
      this.publishInOrder(record, events),
    );
    this.relays.add(relayed);
    try {
      return await relayed;
    } catch (error) {
      this.logger.warn({ err: error, records: records.length }, 'records not relayed; will retry');
      return 0;
    } finally {
      this.relays.delete(relayed);
      for (const record of records) this.relaying.delete(record.recordId);
      // A writer may have handed one of these over meanwhile: it waited for this relay.
      if (this.waiting.size > 0) this.flow();
    }
  }

  private async publishInOrder(record: OutboxSnapshot, events: PendingEvent[]): Promise<string[]> {
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
      this.logger.warn(
        { err: error, recordId: record.recordId },
        'event not confirmed; will retry',
      );
    }
    return done;
  }
}
