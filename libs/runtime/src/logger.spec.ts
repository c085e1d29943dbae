import { loggableUrl } from './logger';

describe('loggable URLs', () => {
  it('replace the secret of a manage link or a calendar feed by its parameter name', () => {
    expect(loggableUrl('/api/v1/manage/abcDEF_-123/cancel?x=1')).toBe(
      '/api/v1/manage/:token/cancel?x=1',
    );
    expect(loggableUrl('/api/v1/manage/abc')).toBe('/api/v1/manage/:token');
    expect(loggableUrl('/api/v1/calendar/secret123.ics')).toBe('/api/v1/calendar/:token.ics');
    expect(loggableUrl('/api/v1/bookings/123')).toBe('/api/v1/bookings/123');
  });
});
