import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  type Actor,
  type FeedEvent,
  type FeedPage,
  type FeedQuery,
} from '@slotbook/contracts';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../config';
import { dayOf } from '../deliveries/delivery-rules';
import { mayRead, requireSubscriber } from '../subscriptions/audience-rules';
import { FEED_BLOCK_SIZE, blockOf, settleStep } from './feed-sequence';
import type { FeedEventDocument } from './feed-event.schema';
import { FeedRepository } from './feed.repository';

/** How many blocks one page may look through (a rare `types` filter over a long stretch). */
const MAX_BLOCKS_PER_PAGE = 20;
/** How many positions past the settled end one settle pass looks at. */
const MAX_SETTLE_SPAN = 200;

/**
 * The event feed (SPEC §6a): readers page through it in the order the platform recorded the
 * events, up to its settled end (see feed-sequence.ts), which this service keeps moving.
 */
@Injectable()
export class FeedService {
  private readonly logger = new Logger(FeedService.name);
  private readonly firstSeenEmpty = new Map<number, number>();
  /** Positions above the settled end already seen written: not looked up again. */
  private readonly seenWritten = new Set<number>();
  private settling = false;

  constructor(
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly repository: FeedRepository,
  ) {}

  /** One pass: moves the settled end over what has been written, closing stale holes. */
  async settle(): Promise<void> {
    if (this.settling) return;
    this.settling = true;
    try {
      const state = await this.repository.state();
      if (state.reserved <= state.settled) return;
      const upTo = Math.min(state.reserved, state.settled + MAX_SETTLE_SPAN);
      const positions = Array.from(
        { length: upTo - state.settled },
        (_, i) => state.settled + 1 + i,
      ).filter((seq) => !this.seenWritten.has(seq));
      for (const seq of await this.repository.writtenAmong(positions)) this.seenWritten.add(seq);
      const step = settleStep({
        settled: state.settled,
        reserved: upTo,
        written: this.seenWritten,
        firstSeenEmpty: this.firstSeenEmpty,
        now: Date.now(),
        holeTimeoutMs: this.config.FEED_HOLE_TIMEOUT_MS,
      });
      for (const seq of step.holesToClose) {
        this.logger.warn({ seq }, 'closing a feed position nobody wrote');
        await this.repository.closeHole(seq);
      }
      if (step.settled > state.settled)
        await this.repository.advanceSettled(state.settled, step.settled);
      for (const seq of this.seenWritten) if (seq <= step.settled) this.seenWritten.delete(seq);
    } finally {
      this.settling = false;
    }
  }

  async read(actor: Actor, query: FeedQuery): Promise<FeedPage> {
    requireSubscriber(actor);
    const after = query.after === undefined ? 0 : decodePosition(query.after);
    const state = await this.repository.state();
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
    data: pageDocs.map((doc) => doc.envelope as unknown as FeedEvent),
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
