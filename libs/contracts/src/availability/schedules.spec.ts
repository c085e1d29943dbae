import { fieldErrorsFromZod } from '../common/errors';
import {
  CreateEventTypeBody,
  CreateScheduleBody,
  UpdateEventTypeBody,
  UpdateScheduleBody,
} from './schedules';

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
      public: false,
      description: '',
      bookingFields: [],
      minimumCancelNotice: 0,
      seatsPerSlot: 1,
    });
  });
});

describe('the event type body: public, description, questions, cancel notice (SPEC §4b)', () => {
  const eventType = (fields: Record<string, unknown>) =>
    CreateEventTypeBody.safeParse({ scheduleId: 's', title: 't', duration: 30, ...fields });
  const pathsOf = (fields: Record<string, unknown>) =>
    errorsOf(eventType(fields)).map((error) => error.path);
  const question = (fields: Record<string, unknown> = {}) => ({
    slug: 'topic',
    label: 'What about?',
    type: 'text',
    ...fields,
  });

  it('keeps every field given, a question’s required defaulting to false', () => {
    const parsed = eventType({
      public: true,
      description: 'x'.repeat(2000),
      minimumCancelNotice: 43200,
      bookingFields: [
        question(),
        question({ slug: 'size', type: 'select', options: ['S', 'M'], required: true }),
      ],
    });
    expect(parsed.success && parsed.data).toMatchObject({
      public: true,
      description: 'x'.repeat(2000),
      minimumCancelNotice: 43200,
      bookingFields: [
        { slug: 'topic', label: 'What about?', type: 'text', required: false },
        { slug: 'size', label: 'What about?', type: 'select', required: true, options: ['S', 'M'] },
      ],
    });
  });

  it.each<[string, unknown]>([
    ['public', 'yes'],
    ['description', 42],
    ['minimumCancelNotice', -5],
    ['minimumCancelNotice', 43205],
    ['minimumCancelNotice', 7],
    ['minimumCancelNotice', '60'],
    ['bookingFields', {}],
  ])('refuses %s = %j, naming it', (field, value) => {
    expect(pathsOf({ [field]: value })).toEqual([field]);
  });

  it('refuses a description of 2001 characters', () => {
    expect(pathsOf({ description: 'x'.repeat(2001) })).toEqual(['description']);
  });

  it('takes each of the nine types, options only for select and multiselect', () => {
    const bookingFields = ['text', 'textarea', 'email', 'phone', 'number', 'url', 'checkbox']
      .map((type) => question({ slug: type, type }))
      .concat(
        ['select', 'multiselect'].map((type) => question({ slug: type, type, options: ['a'] })),
      );
    expect(eventType({ bookingFields }).success).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a slug starting with a digit', { slug: '1st' }, 'bookingFields.0.slug'],
    ['a slug with capitals', { slug: 'Topic' }, 'bookingFields.0.slug'],
    ['a slug with a dash', { slug: 'the-topic' }, 'bookingFields.0.slug'],
    ['a slug of 41 characters', { slug: 'a'.repeat(41) }, 'bookingFields.0.slug'],
    ['an empty label', { label: '  ' }, 'bookingFields.0.label'],
    ['a label of 201 characters', { label: 'x'.repeat(201) }, 'bookingFields.0.label'],
    ['an unknown type', { type: 'date' }, 'bookingFields.0.type'],
    ['a required that is not a boolean', { required: 'yes' }, 'bookingFields.0.required'],
    ['options on a text question', { options: ['a'] }, 'bookingFields.0.options'],
    ['a select without options', { type: 'select' }, 'bookingFields.0.options'],
    ['a select with no option', { type: 'select', options: [] }, 'bookingFields.0.options'],
    [
      'a multiselect with 51 options',
      { type: 'multiselect', options: Array.from({ length: 51 }, (_, i) => `o${i}`) },
      'bookingFields.0.options',
    ],
    ['an empty option', { type: 'select', options: ['a', ''] }, 'bookingFields.0.options.1'],
    [
      'an option of 201 characters',
      { type: 'select', options: ['x'.repeat(201)] },
      'bookingFields.0.options.0',
    ],
    [
      'an option given twice',
      { type: 'multiselect', options: ['a', 'b', 'a'] },
      'bookingFields.0.options.2',
    ],
    ['an unknown key', { placeholder: 'x' }, 'bookingFields.0.placeholder'],
  ])('refuses %s, naming it', (_, fields, path) => {
    expect(pathsOf({ bookingFields: [question(fields)] })).toEqual([path]);
  });

  it('names the question by its index: bookingFields.2.options', () => {
    const bookingFields = [
      question({ slug: 'a' }),
      question({ slug: 'b' }),
      question({ slug: 'c', type: 'select' }),
    ];
    expect(pathsOf({ bookingFields })).toEqual(['bookingFields.2.options']);
  });

  it('refuses a slug used twice, naming the second', () => {
    const bookingFields = [question(), question({ type: 'email' })];
    expect(pathsOf({ bookingFields })).toEqual(['bookingFields.1.slug']);
  });

  it('takes 20 questions, not 21', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => question({ slug: `q${i}` }));
    expect(eventType({ bookingFields: many(20) }).success).toBe(true);
    expect(pathsOf({ bookingFields: many(21) })).toEqual(['bookingFields']);
  });

  it('refuses questions over 32 KiB as JSON, though each is valid', () => {
    const options = Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(200, 'x'));
    const bookingFields = [0, 1, 2, 3].map((i) =>
      question({ slug: `q${i}`, type: 'multiselect', options }),
    );
    expect(pathsOf({ bookingFields: bookingFields.slice(0, 3) })).toEqual([]);
    expect(pathsOf({ bookingFields })).toEqual(['bookingFields']);
  });

  it('PATCH takes any one of the new fields alone, and the same rules', () => {
    for (const change of [
      { public: true },
      { description: '' },
      { bookingFields: [] },
      { minimumCancelNotice: 60 },
    ]) {
      expect(UpdateEventTypeBody.safeParse(change).success).toBe(true);
    }
    const patch = UpdateEventTypeBody.safeParse({
      minimumCancelNotice: 3,
      bookingFields: [question({ type: 'multiselect' })],
    });
    expect(errorsOf(patch).map((error) => error.path)).toEqual([
      'bookingFields.0.options',
      'minimumCancelNotice',
    ]);
  });
});
