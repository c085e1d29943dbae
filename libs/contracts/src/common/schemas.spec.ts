import { z } from 'zod';
import { fieldErrorsFromZod } from './errors';
import { PageQuery } from './pagination';
import { Instant } from './timestamp';
import { Password } from '../identity/user';
import { AdminUpdateUserBody, RegisterBody, UpdateMeBody } from '../identity/rest';

describe('Instant (timestamps in)', () => {
  it.each([
    ['2030-01-01T10:00:00Z', '2030-01-01T10:00:00.000Z'],
    ['2030-01-01T12:00:00+02:00', '2030-01-01T10:00:00.000Z'],
    ['2030-01-01T05:30:00-04:30', '2030-01-01T10:00:00.000Z'],
    ['2030-01-01T10:00:00.123Z', '2030-01-01T10:00:00.123Z'],
  ])('accepts %s as %s', (input, utc) => {
    expect(Instant.parse(input).toISOString()).toBe(utc);
  });

  it.each([
    ['an offset-less local time', '2030-01-01T10:00:00'],
    ['a date only', '2030-01-01'],
    ['an impossible date', '2025-02-31T10:00:00Z'],
    ['the 30th of February in a leap year', '2028-02-30T10:00:00Z'],
    ['a month 13', '2030-13-01T10:00:00Z'],
    ['an hour 24', '2030-01-01T24:00:00Z'],
    ['free text', 'tomorrow at ten'],
    ['a number', 1893492000000],
  ])('rejects %s', (_, input) => {
    expect(Instant.safeParse(input).success).toBe(false);
  });

  it('accepts the 29th of February in a leap year', () => {
    expect(Instant.safeParse('2028-02-29T10:00:00Z').success).toBe(true);
  });
});

describe('password policy', () => {
  it('needs at least 8 characters', () => {
    expect(Password.safeParse('1234567').success).toBe(false);
    expect(Password.safeParse('12345678').success).toBe(true);
  });

  it('caps the length so hashing cost stays bounded', () => {
    expect(Password.safeParse('x'.repeat(128)).success).toBe(true);
    expect(Password.safeParse('x'.repeat(129)).success).toBe(false);
  });
});

describe('REST body edges', () => {
  it('registration defaults the role to USER and never allows ADMIN', () => {
    expect(RegisterBody.parse({ email: 'a@b.co', password: 'long-enough', name: 'A' }).role).toBe(
      'USER',
    );
    expect(
      RegisterBody.safeParse({ email: 'a@b.co', password: 'long-enough', name: 'A', role: 'ADMIN' })
        .success,
    ).toBe(false);
  });

  it('registration trims the email and refuses unknown fields', () => {
    expect(
      RegisterBody.parse({ email: '  a@b.co ', password: 'long-enough', name: 'A' }).email,
    ).toBe('a@b.co');
    expect(
      RegisterBody.safeParse({ email: 'a@b.co', password: 'long-enough', name: 'A', admin: true })
        .success,
    ).toBe(false);
  });

  it('a password change needs the current password', () => {
    const result = UpdateMeBody.safeParse({ password: 'new-password' });
    expect(result.success).toBe(false);
    expect(fieldErrorsFromZod((result as { error: z.ZodError }).error)).toEqual([
      { path: 'currentPassword', message: 'is required to change the password' },
    ]);
  });

  it('an empty profile patch or admin patch is refused', () => {
    expect(UpdateMeBody.safeParse({}).success).toBe(false);
    expect(AdminUpdateUserBody.safeParse({}).success).toBe(false);
  });

  it('limit is 1–100 and defaults to 20', () => {
    expect(PageQuery.parse({}).limit).toBe(20);
    expect(PageQuery.parse({ limit: '100' }).limit).toBe(100);
    expect(PageQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(PageQuery.safeParse({ limit: '101' }).success).toBe(false);
    expect(PageQuery.safeParse({ limit: '2.5' }).success).toBe(false);
  });
});

describe('field errors', () => {
  it('name each unknown field by its path', () => {
    const result = z.strictObject({ a: z.string() }).safeParse({ a: 'x', b: 1, c: 2 });
    expect(fieldErrorsFromZod((result as { error: z.ZodError }).error)).toEqual([
      { path: 'b', message: 'is not a known field' },
      { path: 'c', message: 'is not a known field' },
    ]);
  });

  it('give nested paths in dotted form', () => {
    const result = z
      .object({ outer: z.object({ inner: z.number() }) })
      .safeParse({ outer: { inner: 'x' } });
    expect(fieldErrorsFromZod((result as { error: z.ZodError }).error)[0].path).toBe('outer.inner');
  });
});
