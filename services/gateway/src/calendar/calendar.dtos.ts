import { CalendarFeedUrl } from '@slotbook/contracts';
import { createZodDto } from '../docs/zod-dto';

export class CalendarFeedUrlDto extends createZodDto(CalendarFeedUrl) {}

export const CALENDAR_MEDIA_TYPE = 'text/calendar; charset=utf-8';

/** How the document describes an answer that is a calendar file rather than JSON. */
export function calendarFileContent(): Record<string, { schema: { type: 'string' } }> {
  return { 'text/calendar': { schema: { type: 'string' } } };
}
