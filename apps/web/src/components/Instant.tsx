import { formatInstant } from '../time/zoned';

/** An instant in words in a zone, with the instant itself (UTC ISO 8601) for machines. */
export function Instant({ iso, zone }: { iso: string; zone: string }) {
  return <time dateTime={new Date(iso).toISOString()}>{formatInstant(Date.parse(iso), zone)}</time>;
}
