import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  type Actor,
  type FeedEvent,
  type FeedPage,
  type FeedQuery,
} from '@slotbook/contracts';
import { fromStoredJson } from '@slotbook/persistence';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../config';
import { dayOf } from '../deliveries/delivery-rules';
import { mayRead, requireSubscriber } from '../subscriptions/audience-rules';
import {
  FEED_BLOCK_SIZE,
  FIRST_PASS_DELAY_MS,
  MAX_PASS_DELAY_MS,
  blockOf,
  settleStep,
} from './feed-sequence';
import type { FeedEventDocument } from './feed-event.schema';
import { FeedRepository } from './feed.repository';

/** How many blocks one page may look through (a rare `types` filter over a long stretch). */
const MAX_BLOCKS_PER_PAGE = 20;
/** How many positions past the settled end one settle pass looks at. */
const MAX_SETTLE_SPAN = 200;

/**
 * The event feed (SPEC §6a): readers page through it in the order the platform recorded the
 * events, up to its settled end (see feed-sequence.ts). A writer moves the settled end over
 * what it wrote in one conditional write when everything below is settled; otherwise (another
 * replica's positions below are still being written, or a writer died holding one) passes
 * follow, backing off to one a second, until nothing is open. Nothing runs on a timer when
 * nothing is open; a reader who finds something open asks for a pass.
 */
@Injectable()
export class FeedService {
  private readonly logger = new Logger(FeedService.name);
  private readonly firstSeenEmpty = new Map<number, number>();
  /** Positions above the settled end known to be written: not looked up again. */
  private readonly seenWritten = new Set<number>();
  private settling = false;
  private passTimer?: NodeJS.Timeout;
  private passDelayMs = FIRST_PASS_DELAY_MS;
  private stopped = false;

  constructor(
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly repository: FeedRepository,
  ) {}

  /**
   * This replica wrote `positions` (events and placeholders, ascending): settles them at once
   * when they are one run and everything below is settled, else asks for a pass. Never throws.
   */
  async written(positions: number[]): Promise<void> {
    if (positions.length === 0) return;
    for (const seq of positions) this.seenWritten.add(seq);
    const first = positions[0] as number;
    const last = positions[positions.length - 1] as number;
    const oneRun = last - first + 1 === positions.length;
    try {
      if (oneRun && (await this.repository.settleOver(first, last))) {
        for (const seq of positions) this.seenWritten.delete(seq);
        return;
      }
    } catch (error) {
      // What is written stays written: a pass settles it.
      this.logger.warn({ err: error }, 'could not settle the feed over a batch');
    }
    this.passSoon();
  }

  /** Stops the passes (shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.passTimer);
  }

  private passSoon(delayMs = FIRST_PASS_DELAY_MS): void {
    if (this.stopped || this.passTimer) return;
    this.passTimer = setTimeout(() => {
      this.passTimer = undefined;
      this.settle().then(
        (open) => {
          this.passDelayMs = open
            ? Math.min(this.passDelayMs * 2, MAX_PASS_DELAY_MS)
            : FIRST_PASS_DELAY_MS;
          if (open) this.passSoon(this.passDelayMs);
        },
        (error: unknown) => {
          this.logger.warn({ err: error }, 'could not settle the feed');
          this.passSoon(MAX_PASS_DELAY_MS);
        },
      );
    }, delayMs);
    this.passTimer.unref();
  }

  /**
   * One pass: moves the settled end over what has been written, closing stale holes. Answers
   * whether positions are still open above it.
   */
  async settle(): Promise<boolean> {
    if (this.settling) return true;
    this.settling = true;
    try {
      const state = await this.repository.state();
      if (state.reserved <= state.settled) return false;
      const upTo = Math.min(state.reserved, state.settled + MAX_SETTLE_SPAN);
      for (const seq of await this.repository.writtenIn(state.settled, upTo))
        this.seenWritten.add(seq);
      const step = settleStep({
        settled: state.settled,
        reserved: upTo,
        written: this.seenWritten,
        firstSeenEmpty: this.firstSeenEmpty,
        now: Date.now(),
        holeTimeoutMs: this.config.FEED_HOLE_TIMEOUT_MS,
      });
      if (step.holesToClose.length > 0) {
        this.logger.warn({ positions: step.holesToClose }, 'closing feed positions nobody wrote');
        await this.repository.closeHoles(step.holesToClose);
      }
      if (step.settled > state.settled)
        await this.repository.advanceSettled(state.settled, step.settled);
      for (const seq of this.seenWritten) if (seq <= step.settled) this.seenWritten.delete(seq);
      return step.settled < state.reserved;
    } finally {
      this.settling = false;
    }
  }

  async read(actor: Actor, query: FeedQuery): Promise<FeedPage> {
    requireSubscriber(actor);
    const after = query.after === undefined ? 0 : decodePosition(query.after);
    const state = await this.repository.state();
    // Something recorded is not listed yet: make sure a pass is coming (a writer may have died).
    if (state.reserved > state.settled) this.passSoon();
    const upTo = state.settled;
    if (actor.role === 'HOST') {
      const docs = await this.repository.ownerEvents(
        actor.id,
        after,
        upTo,
        query.types,
        query.limit,
      );
      return page(docs, query.limit, Math.max(after, upTo));
    }
    const from = Math.max(after, state.firstSeq - 1);
    const docs: FeedEventDocument[] = [];
    let scannedTo = from;
    for (
      let block = blockOf(from + 1), blocks = 0;
      block <= blockOf(upTo) && docs.length < query.limit && blocks < MAX_BLOCKS_PER_PAGE;
      block += 1, blocks += 1
    ) {
      const found = await this.repository.blockEvents(block, from, upTo);
      docs.push(
        ...found.filter(
          (doc) =>
            mayRead(actor, doc.ownerId ?? null) &&
            (query.types === undefined || query.types.includes(doc.type ?? '')),
        ),
      );
      scannedTo = Math.min(upTo, (block + 1) * FEED_BLOCK_SIZE - 1);
    }
    return page(docs, query.limit, Math.max(after, scannedTo));
  }

  /** Deletes what is older than the retention; each day once it has passed. */
  async prune(now = new Date()): Promise<void> {
    const lastDay = dayOf(now) - this.config.FEED_RETENTION_DAYS - 1;
    let deleted = 0;
    for (let day = lastDay - 30; day <= lastDay; day += 1)
      deleted += await this.repository.deleteDay(day);
    if (deleted > 0) {
      await this.repository.advanceFirstSeq();
      this.logger.log({ deleted }, 'pruned the feed');
    }
  }
}

/**
 * A page, and where to continue: after its last event when it is full, else at the end of what
 * was looked through (everything up to there that the reader may see has been returned).
 */
function page(docs: FeedEventDocument[], limit: number, reachedTo: number): FeedPage {
  const pageDocs = docs.slice(0, limit);
  const last = pageDocs[pageDocs.length - 1];
  const position = docs.length >= limit && last ? last.seq : reachedTo;
  return {
    data: pageDocs.map((doc) => fromStoredJson(doc.envelope!) as unknown as FeedEvent),
    nextCursor: encodePosition(position),
  };
}

export function encodePosition(seq: number): string {
  return `p${seq}`;
}

export function decodePosition(cursor: string): number {
  const match = /^p(\d{1,15})$/.exec(cursor);
  if (!match)
    throw DomainError.validation('the cursor is invalid', [
      { path: 'after', message: 'is not a cursor this feed issued' },
    ]);
  return Number(match[1]);
}
