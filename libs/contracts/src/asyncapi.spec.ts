import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApi } from './asyncapi';
import { EVENT_CATALOG } from './event-catalog';

const DOCUMENT = join(__dirname, '..', '..', '..', 'docs', 'asyncapi.json');

describe('the published event contract', () => {
  it('lists every event type of SPEC §6 with its exchange', () => {
    expect(EVENT_CATALOG.map((entry) => `${entry.exchange} ${entry.type}`).sort()).toEqual(
      expect.arrayContaining([
        'availability.events availability.created',
        'availability.events availability.deleted',
        'availability.events availability.updated',
        'booking.events booking.cancelled',
        'booking.events booking.completed',
        'booking.events booking.confirmed',
        'booking.events booking.created',
        'booking.events booking.no-show',
        'booking.events booking.rescheduled',
        'identity.events user.deactivated',
        'identity.events user.registered',
        'identity.events user.updated',
      ]),
    );
  });

  it('docs/asyncapi.json is generated from the schemas (UPDATE_DOCS=1 rewrites it)', () => {
    const generated = `${JSON.stringify(buildAsyncApi(), null, 2)}\n`;
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOCUMENT, generated);
    expect(readFileSync(DOCUMENT, 'utf8')).toBe(generated);
  });
});
