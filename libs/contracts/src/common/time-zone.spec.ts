import { TimeZone } from './time-zone';

describe('a time zone name', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['EUROPE/BERLIN', 'Europe/Berlin'],
    ['america/new_york', 'America/New_York'],
    ['america/port-au-prince', 'America/Port-au-Prince'],
    ['antarctica/dumontdurville', 'Antarctica/DumontDUrville'],
    ['america/argentina/buenos_aires', 'America/Argentina/Buenos_Aires'],
    ['utc', 'UTC'],
    ['etc/gmt+5', 'Etc/GMT+5'],
  ])('is matched whatever its case and kept as IANA spells it: %s → %s', (given, stored) => {
    expect(TimeZone.parse(given)).toBe(stored);
  });

  it.each([
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Calcutta'],
    ['us/eastern', 'US/Eastern'],
    ['europe/kyiv', 'Europe/Kyiv'],
  ])('keeps a link as the name the client chose, in IANA spelling: %s → %s', (given, stored) => {
    expect(TimeZone.parse(given)).toBe(stored);
  });

  it.each(['Mars/Olympus', '+01:00', 'UTC+1', 'CEST', '', 'Europe/Berlin ', 'Europe//Berlin'])(
    'is refused when it names no IANA zone: %j',
    (given) => {
      expect(TimeZone.safeParse(given).success).toBe(false);
    },
  );
});
