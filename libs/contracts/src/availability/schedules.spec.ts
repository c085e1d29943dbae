import { fieldErrorsFromZod } from '../common/errors';
import { CreateEventTypeBody, CreateScheduleBody, UpdateScheduleBody } from './schedules';

const errorsOf = (result: {
  success: boolean;
  error?: Parameters<typeof fieldErrorsFromZod>[0];
}) => (result.success || !result.error ? [] : fieldErrorsFromZod(result.error));
const schedule = (fields: Record<string, unknown>) =>
  CreateScheduleBody.safeParse({ name: 'Week', timeZone: 'Europe/Berlin', weekly: [], ...fields });
const monday = (start: string, end: string) => ({ day: 'MON', start, end });

describe('the schedule body (SPEC §4a)', () => {
  it('gives a malformed time one error, and no overlap error built on it', () => {
    expect(
      errorsOf(schedule({ weekly: [monday('9:00', '10:00'), monday('09:30', '11:00')] })),
    ).toEqual([{ path: 'weekly.0.start', message: expect.stringMatching(/HH:MM/) }]);
  });

  it('reports every interval overlapping an earlier one of the same day, not only the next', () => {
    const weekly = [monday('09:00', '17:00'), monday('10:00', '11:00'), monday('12:00', '13:00')];
    expect(errorsOf(schedule({ weekly })).map((error) => error.path)).toEqual([
      'weekly.1',
      'weekly.2',
    ]);
  });

  it('lets intervals touch, end at 24:00, and the same hours fall on different days', () => {
    const weekly = [
      monday('00:00', '09:00'),
      monday('09:00', '24:00'),
      { day: 'TUE', start: '09:00', end: '24:00' },
    ];
    expect(schedule({ weekly }).success).toBe(true);
  });

  it('checks overlaps per override date, and refuses a date overridden twice', () => {
    const errors = errorsOf(
      schedule({
        overrides: [
          {
            date: '2030-01-07',
            intervals: [
              { start: '09:00', end: '12:00' },
              { start: '11:00', end: '13:00' },
            ],
          },
          { date: '2030-01-08', intervals: [{ start: '11:00', end: '13:00' }] },
          { date: '2030-01-07', intervals: [] },
        ],
      }),
    );
    expect(errors.map((error) => error.path)).toEqual([
      'overrides.0.intervals.1',
      'overrides.2.date',
    ]);
  });

  it('refuses an empty PATCH and takes any one field', () => {
    expect(UpdateScheduleBody.safeParse({}).success).toBe(false);
    expect(UpdateScheduleBody.safeParse({ name: 'x' }).success).toBe(true);
  });
});

describe('the event type body (SPEC §4a)', () => {
  it('fills the defaults and leaves slotInterval to the service (it defaults to duration)', () => {
    expect(CreateEventTypeBody.parse({ scheduleId: 's', title: 't', duration: 30 })).toEqual({
      scheduleId: 's',
      title: 't',
      duration: 30,
      bufferBefore: 0,
      bufferAfter: 0,
      minimumNotice: 0,
      bookingHorizonDays: 60,
      requiresConfirmation: false,
    });
  });
});
