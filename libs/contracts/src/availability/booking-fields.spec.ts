import { BookingField, responseFlaws } from './booking-fields';

type Answer = string | number | boolean | string[];

const field = (slug: string, type: string, extra: Record<string, unknown> = {}) =>
  BookingField.parse({ slug, label: slug, type, ...extra });
const flawsOf = (question: BookingField, value: Answer) =>
  responseFlaws([question], { [question.slug]: value });

describe("a booking's answers to its event type's questions (SPEC §4b)", () => {
  const cases: Array<{
    type: string;
    extra?: Record<string, unknown>;
    valid: Answer[];
    invalid: Answer[];
  }> = [
    {
      type: 'text',
      valid: ['', 'hello', 'x'.repeat(500)],
      invalid: ['x'.repeat(501), 42, true, ['a']],
    },
    {
      type: 'textarea',
      valid: ['line one\nline two', 'x'.repeat(5000)],
      invalid: ['x'.repeat(5001), 1, false],
    },
    {
      type: 'email',
      valid: ['ada@example.com', 'first.last+tag@sub.example.org'],
      invalid: ['ada', 'ada@', '@example.com', 'ada@example', `${'a'.repeat(250)}@example.com`, 7],
    },
    {
      type: 'phone',
      valid: ['+4930123456', '+49 30 123456', '+1 (415) 555-2671', '+44-20-7946-0958'],
      invalid: ['030 123456', '+0123456', '+1234567890123456', '+49 30 12a456', '+', 4930123456],
    },
    {
      type: 'number',
      valid: [0, -3, 2.5, 1e9],
      invalid: ['42', true, [], Number.NaN, Number.POSITIVE_INFINITY],
    },
    {
      type: 'url',
      valid: ['https://example.com', 'http://example.com/a?b=c#d'],
      invalid: ['ftp://example.com', 'javascript:alert(1)', 'example.com', 'https//x', 3],
    },
    {
      type: 'select',
      extra: { options: ['Small', 'Large'] },
      valid: ['Small', 'Large'],
      invalid: ['small', 'Medium', '', ['Small'], 1],
    },
    {
      type: 'multiselect',
      extra: { options: ['Red', 'Green', 'Blue'] },
      valid: [['Red'], ['Blue', 'Red'], ['Red', 'Green', 'Blue']],
      invalid: [[], ['Red', 'Red'], ['Purple'], ['Red', 'purple'], 'Red', true],
    },
    {
      type: 'checkbox',
      valid: [true, false],
      invalid: ['true', 1, 0, ['x']],
    },
  ];

  describe.each(cases)('a $type question', ({ type, extra, valid, invalid }) => {
    const question = field('answer', type, extra);

    it.each(valid.map((value) => [value]))('takes %j', (value) => {
      expect(flawsOf(question, value)).toEqual([]);
    });

    it.each(invalid.map((value) => [value]))('refuses %j at responses.answer', (value) => {
      expect(flawsOf(question, value)).toEqual([
        { path: 'responses.answer', message: expect.any(String) },
      ]);
    });

    it('may be left out when it is not required', () => {
      expect(responseFlaws([question], {})).toEqual([]);
      expect(responseFlaws([question], undefined)).toEqual([]);
    });

    it('must be answered when it is required', () => {
      const required = field('answer', type, { ...extra, required: true });
      expect(responseFlaws([required], {})).toEqual([
        { path: 'responses.answer', message: expect.any(String) },
      ]);
    });
  });

  it('refuses a blank answer to a required text question', () => {
    const required = field('why', 'text', { required: true });
    expect(flawsOf(required, '   ')).toEqual([{ path: 'responses.why', message: 'is required' }]);
    expect(flawsOf(required, 'because')).toEqual([]);
  });

  it('counts a required checkbox answered only when it is checked (a consent box)', () => {
    const consent = field('consent', 'checkbox', { required: true });
    expect(flawsOf(consent, true)).toEqual([]);
    expect(flawsOf(consent, false)).toEqual([
      { path: 'responses.consent', message: 'must be checked' },
    ]);
  });

  it('refuses an answer to a question the event type does not ask, by its slug', () => {
    expect(responseFlaws([field('topic', 'text')], { topic: 'x', colour: 'blue' })).toEqual([
      { path: 'responses.colour', message: 'is not a question of this event type' },
    ]);
    expect(responseFlaws([], { anything: true })).toEqual([
      { path: 'responses.anything', message: 'is not a question of this event type' },
    ]);
  });

  it('never takes what objects inherit for an answer', () => {
    const question = field('constructor', 'text', { required: true });
    expect(responseFlaws([question], {})).toEqual([
      { path: 'responses.constructor', message: 'is required' },
    ]);
  });

  it('reports every flaw at once, each at its slug', () => {
    const questions = [
      field('name2', 'text', { required: true }),
      field('email2', 'email'),
      field('size', 'select', { options: ['S', 'M'] }),
      field('ok', 'checkbox'),
    ];
    const flaws = responseFlaws(questions, { email2: 'nope', size: 'XL', ok: true, extra: 1 });
    expect(flaws.map((flaw) => flaw.path).sort()).toEqual([
      'responses.email2',
      'responses.extra',
      'responses.name2',
      'responses.size',
    ]);
  });

  it('has nothing to say of an event type without questions and no answers', () => {
    expect(responseFlaws([], undefined)).toEqual([]);
    expect(responseFlaws([], {})).toEqual([]);
  });
});
