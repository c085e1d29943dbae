import { LRUCache } from 'lru-cache';

/** A record as read or heard: null for one that does not exist (or no longer does). */
export interface Versioned<T> {
  id: string;
  value: T | null;
  /** Higher is newer; a record deleted for good is at Infinity. */
  version: number;
}

/**
 * This replica's copy of records another service owns: read once when first needed (the
 * missing ones of a call together, a burst of calls joining one read), then kept by the
 * owner's events, which every replica hears on a queue of its own. Of a read and an event
 * about one record, the newer version stays, whichever arrives last. A replica whose
 * subscription was re-established forgets everything, as it may have missed changes.
 */
export class ReplicaCopy<T> {
  private readonly known = new LRUCache<string, Versioned<T>>({ max: 50_000 });
  private readonly reading = new Map<string, Promise<void>>();

  /**
   * The records by id, reading those neither known nor being read with `read`; an id the owner
   * does not know maps to null.
   */
  async get(
    ids: string[],
    read: (missing: string[]) => Promise<Array<Versioned<T>>>,
  ): Promise<Map<string, T | null>> {
    const missing = ids.filter((id) => !this.known.has(id) && !this.reading.has(id));
    if (missing.length > 0) {
      const settled = read(missing).then((records) => {
        const found = new Set(records.map((record) => record.id));
        for (const record of records) this.learn(record);
        for (const id of missing) if (!found.has(id)) this.learn({ id, value: null, version: 0 });
      });
      for (const id of missing) this.reading.set(id, settled);
      void settled.then(
        () => missing.forEach((id) => this.reading.delete(id)),
        () => missing.forEach((id) => this.reading.delete(id)),
      );
    }
    await Promise.all(ids.map((id) => this.reading.get(id)));
    return new Map(ids.map((id) => [id, this.known.get(id)?.value ?? null]));
  }

  /** A record read or heard: kept unless what is known is newer. */
  learn(record: Versioned<T>): void {
    const known = this.known.get(record.id);
    if (!known || known.version <= record.version) this.known.set(record.id, record);
  }

  forget(): void {
    this.known.clear();
  }
}
