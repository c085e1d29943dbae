/**
 * A value the database keeps as its JSON text: an outbox's events, a feed's envelopes, a mail's
 * letter. Nothing queries inside them, and the stand-in (FerretDB) converts every field of a
 * document on each write; as one string, a record that is written twice (made, then cleared
 * or settled) costs devdb and PostgreSQL a third less. Records written before 2026-12-07 hold
 * the value as an object; {@link fromStoredJson} reads both.
 */
export type StoredJson<T> = string | T;

export function toStoredJson<T>(value: T): string {
  return JSON.stringify(value);
}

/** The value as it was stored: parsed from its text, or the object an older record holds. */
export function fromStoredJson<T>(stored: StoredJson<T>): T {
  return typeof stored === 'string' ? (JSON.parse(stored) as T) : stored;
}
