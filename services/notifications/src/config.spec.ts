import { DEVELOPMENT_MANAGE_TOKEN_SECRET, parseEnv } from '@slotbook/runtime';
import { NotificationsEnv } from './config';

const base = { AMQP_URL: 'amqp://127.0.0.1', MONGO_URL: 'mongodb://127.0.0.1/n' };

describe("the notifications service's environment", () => {
  it('has mail off without SMTP_URL, also when it is set empty', () => {
    expect(parseEnv(NotificationsEnv, base).SMTP_URL).toBeUndefined();
    expect(parseEnv(NotificationsEnv, { ...base, SMTP_URL: '' }).SMTP_URL).toBeUndefined();
    expect(
      parseEnv(NotificationsEnv, { ...base, SMTP_URL: 'smtp://127.0.0.1:2525' }).SMTP_URL,
    ).toBe('smtp://127.0.0.1:2525');
  });

  it('refuses an SMTP_URL that is not smtp(s), naming it', () => {
    expect(() => parseEnv(NotificationsEnv, { ...base, SMTP_URL: 'http://x' })).toThrow(
      /SMTP_URL is invalid/,
    );
  });

  it("makes links with the gateway's development secret, and needs a real one in production", () => {
    expect(parseEnv(NotificationsEnv, base).MANAGE_TOKEN_SECRET).toBe(
      DEVELOPMENT_MANAGE_TOKEN_SECRET,
    );
    expect(() => parseEnv(NotificationsEnv, { ...base, NODE_ENV: 'production' })).toThrow(
      /MANAGE_TOKEN_SECRET/,
    );
  });

  it('wants a lease longer than an SMTP conversation and the write of its record', () => {
    expect(() =>
      parseEnv(NotificationsEnv, { ...base, SMTP_TIMEOUT_MS: '5000', MAIL_LEASE_MS: '5500' }),
    ).toThrow(/MAIL_LEASE_MS.*SMTP_TIMEOUT_MS \+ 500 ms/);
    expect(
      parseEnv(NotificationsEnv, { ...base, SMTP_TIMEOUT_MS: '5000', MAIL_LEASE_MS: '5501' })
        .MAIL_LEASE_MS,
    ).toBe(5_501);
  });

  it('tries a refused mail again after 5 s first, then as webhooks do, up to 6 h apart', () => {
    expect(parseEnv(NotificationsEnv, base).MAIL_RETRY_SCHEDULE_MS).toEqual([
      5_000, 30_000, 120_000, 600_000, 3_600_000, 10_800_000, 21_600_000,
    ]);
  });

  it('drops the trailing slash of PUBLIC_URL', () => {
    expect(
      parseEnv(NotificationsEnv, { ...base, PUBLIC_URL: 'https://book.example/' }).PUBLIC_URL,
    ).toBe('https://book.example');
  });
});
