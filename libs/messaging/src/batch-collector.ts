export interface BatchCollectorOptions {
  /** A batch is written as soon as it holds this many items. */
  maxItems: number;
  /**
   * ...or this long after its first item arrived. 0: at once when no write is on its way, else
   * as soon as it is done (group commit: a batch is what arrived during the write before it).
   */
  maxWaitMs: number;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Turns items handed in one at a time (one per message a subscriber takes) into batches
 * written by one call, one batch at a time. Each caller's promise settles with the write that
 * holds its item, so a message is acknowledged only once its batch is written, and a failed
 * write fails every message in it (they are redelivered). `write` answers one result per item.
 */
export class BatchCollector<T, R = void> {
  private pending: Array<Waiting<T, R>> = [];
  private timer?: NodeJS.Timeout;
  private writing = false;

  constructor(
    private readonly options: BatchCollectorOptions,
    private readonly write: (items: T[]) => Promise<R[]>,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxItems || this.options.maxWaitMs === 0)
        this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // The batch in flight takes the next one with it when it is done.
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending.splice(0, this.options.maxItems);
    void this.write(batch.map((waiting) => waiting.item))
      .then(
        (results) => batch.forEach((waiting, i) => waiting.resolve(results[i] as R)),
        (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
      )
      .finally(() => {
        this.writing = false;
        // No timer left: the oldest waiting item's time ran out during the write.
        if (this.pending.length >= this.options.maxItems || this.timer === undefined) this.flush();
      });
  }
}
