import { DateTime } from 'luxon';
import { bookingCalendarFile } from '@slotbook/calendar';
import type { Letter, MailPerson } from './mail-plan';

/** A mail as it is sent: plain text, simple HTML, and the booking's calendar file. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
  /** The booking's `.ics` (SPEC §6b): `METHOD:REQUEST`, or `METHOD:CANCEL` once cancelled. */
  calendar: { content: string; method: 'REQUEST' | 'CANCEL' };
}

/**
 * Renders a letter. `manageUrl` is the guest's manage link, given only for a guest's created
 * mail (made at send time from the booking id, never stored or logged). Names, answers, notes
 * and reasons are the booker's words: escaped in the HTML, kept off the subject's line breaks.
 */
export function renderMail(letter: Letter, manageUrl: string | null): MailContent {
  const { booking, recipient } = letter;
  const zone = recipient.timeZone;
  const start = inZone(booking.startTime, zone);
  const other = letter.role === 'host' ? letter.guest : letter.host;
  const lines: Array<[string, string]> = [
    ['When', spanOf(start, inZone(booking.endTime, zone))],
    ['Starts', start.toISO() ?? booking.startTime],
  ];
  if (letter.kind === 'rescheduled' && booking.previousStartTime) {
    lines.push(['Was', momentOf(inZone(booking.previousStartTime, zone))]);
  }
  if (other) lines.push([letter.role === 'host' ? 'Guest' : 'Host', personLine(other)]);
  if (letter.kind === 'cancelled' && booking.reason) lines.push(['Reason', booking.reason]);
  if (booking.notes) lines.push(['Notes', booking.notes]);
  if (letter.role === 'host') {
    for (const [slug, value] of Object.entries(booking.responses)) {
      lines.push([slug, Array.isArray(value) ? value.join(', ') : String(value)]);
    }
  }
  const headline = headlineOf(letter);
  const link = letter.withManageLink ? manageUrl : null;
  const text = [
    `Hello ${recipient.name},`,
    '',
    headline,
    '',
    ...lines.map(([label, value]) => `${label}: ${value}`),
    ...(link ? ['', `Manage your booking (cancel or reschedule): ${link}`] : []),
    '',
    'Slotbook',
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>Hello ${escapeHtml(recipient.name)},</p>`,
    `<p>${escapeHtml(headline)}</p>`,
    '<table>',
    ...lines.map(
      ([label, value]) =>
        `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    ...(link
      ? [`<p><a href="${escapeHtml(link)}">Manage your booking</a> (cancel or reschedule)</p>`]
      : []),
    '<p>Slotbook</p>',
    '</body></html>',
  ].join('\n');
  const cancelled = booking.status === 'cancelled';
  return {
    subject: oneLine(`${subjectPrefix(letter)}: ${letter.title}, ${momentOf(start)}`),
    text,
    html,
    calendar: {
      content: bookingCalendarFile({
        booking,
        title: letter.title,
        organizer: letter.host,
        attendee: letter.guest,
      }),
      method: cancelled ? 'CANCEL' : 'REQUEST',
    },
  };
}

function subjectPrefix(letter: Letter): string {
  if (letter.role === 'host') {
    return { created: 'New booking', rescheduled: 'Moved', cancelled: 'Cancelled' }[
      letter.kind as 'created' | 'rescheduled' | 'cancelled'
    ];
  }
  switch (letter.kind) {
    case 'created':
      return letter.booking.status === 'pending' ? 'Requested' : 'Booked';
    case 'rescheduled':
      return 'Moved';
    case 'confirmed':
      return 'Confirmed';
    case 'cancelled':
      return 'Cancelled';
    case 'reminder':
      return 'Reminder';
  }
}

function headlineOf(letter: Letter): string {
  const title = `"${letter.title}"`;
  const guest = letter.guest?.name ?? 'someone';
  if (letter.role === 'host') {
    switch (letter.kind) {
      case 'rescheduled':
        return `${guest}'s booking of ${title} moved.`;
      case 'cancelled':
        return `${guest}'s booking of ${title} was cancelled.`;
      default:
        return letter.booking.status === 'pending'
          ? `${guest} asked to book ${title}; it waits for your confirmation.`
          : `${guest} booked ${title}.`;
    }
  }
  switch (letter.kind) {
    case 'created':
      return letter.booking.status === 'pending'
        ? `Your booking of ${title} waits for the host's confirmation.`
        : `Your booking of ${title} is confirmed.`;
    case 'rescheduled':
      return `Your booking of ${title} moved to a new time.`;
    case 'confirmed':
      return `The host confirmed your booking of ${title}.`;
    case 'cancelled':
      return `Your booking of ${title} was cancelled.`;
    case 'reminder':
      return `A reminder: ${title} starts in ${durationOf(letter.reminderMinutes ?? 0)}.`;
  }
}

/**
 * An instant of a booking (an ISO string in UTC) in the recipient's zone. Read as milliseconds:
 * `fromISO` with a zone costs three times as much, and a mail shows several instants.
 */
function inZone(instant: string, zone: string): DateTime {
  return DateTime.fromMillis(Date.parse(instant), { zone });
}

/** `Tuesday, 4 March 2030, 10:00`. */
function dayAndTime(at: DateTime): string {
  return at.toFormat('cccc, d LLLL yyyy, HH:mm');
}

/** `Tuesday, 4 March 2030, 10:00 (Europe/Berlin, UTC+1)`. */
function momentOf(at: DateTime): string {
  return `${dayAndTime(at)} ${zoneOf(at)}`;
}

/** `Tuesday, 4 March 2030, 10:00–10:30 (Europe/Berlin, UTC+1)`. */
function spanOf(start: DateTime, end: DateTime): string {
  return `${dayAndTime(start)}–${end.toFormat('HH:mm')} ${zoneOf(start)}`;
}

/** `(Europe/Berlin, UTC+1)`, or `(UTC)`. */
function zoneOf(at: DateTime): string {
  const offset = at.toFormat('Z');
  if (offset === '+0') return at.zoneName === 'UTC' ? '(UTC)' : `(${at.zoneName}, UTC)`;
  return `(${at.zoneName}, UTC${offset})`;
}

function durationOf(minutes: number): string {
  if (minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function personLine(person: MailPerson): string {
  return `${person.name} <${person.email}>`;
}

function oneLine(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
