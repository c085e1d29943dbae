/**
 * Date inputs' `YYYY-MM-DD` as the API's instants: `from` that day's start in UTC, `to` the
 * next day's start (the day is included); a blank date stays blank.
 */
export function daysWindow(days: { from: string; to: string }): { from: string; to: string } {
  return { from: days.from && dayStart(days.from, 0), to: days.to && dayStart(days.to, 1) };
}

function dayStart(date: string, plusDays: 0 | 1): string {
  const instant = new Date(`${date}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + plusDays);
  return instant.toISOString();
}
