import { Logger } from '@nestjs/common';
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

/**
 * Moves events from the outbox to the broker: publish with confirm, then remove. A crash in
 * between republishes (at least once; subscribers de-duplicate by id); events of one record
 * go out in the order they were written.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Asks for a pass now, e.g. right after a change was acknowledged to a client. */
  kick(): void {
    if (this.options.publishOnWrite === false) return;
    this.run();
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
    await this.running;
  }

  /** One relay pass; resolves when every waiting event was published or left for later. */
  async pass(): Promise<number> {
    try {
      const records = await this.store.pending(this.options.batchSize);
      // Record after record, the events of each strictly in order.
      let published = 0;
      for (const record of records) {
        const { recordId } = record;
        try {
          published += await this.store.relay(record, (events) =>
            this.publishInOrder(recordId, events),
          );
        } catch (error) {
          // One record that cannot be relayed now must not hold up the others.
          this.logger.warn({ err: error, recordId }, 'record not relayed; will retry');
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
        await this.publisher.publish(event);
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
