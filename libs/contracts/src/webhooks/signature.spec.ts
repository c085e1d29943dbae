import { signatureHeader, signatureOf, verifySignature } from './signature';

/** Vectors computed apart from this code: `printf '%s' "<t>.<body>" | openssl dgst -sha256 -hmac <secret>`. */
const T = 1767225600;
const BODY = '{"id":"evt_1","type":"booking.created"}';

describe('the webhook signature (SPEC §6a)', () => {
  it('is the hex HMAC-SHA256 of "<t>.<raw body>" under the secret', () => {
    expect(signatureOf('whsec_test_secret', T, BODY)).toBe(
      'ef23e16645dd17621b6576cc66ad44e0f3371ad252c6c36764dcfb3ff6190acb',
    );
  });

  it('signs the body as UTF-8 bytes', () => {
    expect(signatureOf('k', 1700000000, '{"a":"é"}')).toBe(
      '5fe811e001f47f56c0753157e87d15fb29f1a2bed2b9273a456dc8d30e3ee4f3',
    );
  });

  it('writes t= then one v1= per live secret, in order', () => {
    expect(signatureHeader(['whsec_test_secret'], T, BODY)).toBe(
      `t=${T},v1=ef23e16645dd17621b6576cc66ad44e0f3371ad252c6c36764dcfb3ff6190acb`,
    );
    expect(signatureHeader(['whsec_new', 'whsec_old'], T, '')).toBe(
      `t=${T},v1=dde67cb9580b6ed2ce52646375db1ea5a6901f46a83503b1bfa6aef2ca903b17,` +
        'v1=c051fe90660ff8666499d59019da24d45b68f19868dace1c68b29b0bb2090ffa',
    );
  });

  it('verifies with either secret during a rotation', () => {
    const header = signatureHeader(['whsec_new', 'whsec_old'], T, BODY);
    const now = T * 1000;
    expect(verifySignature(header, 'whsec_old', BODY, { now })).toEqual({
      valid: true,
      timestamp: T,
    });
    expect(verifySignature(header, 'whsec_new', BODY, { now })).toEqual({
      valid: true,
      timestamp: T,
    });
    expect(verifySignature(header, 'whsec_other', BODY, { now })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('refuses a changed body', () => {
    const header = signatureHeader(['s'], T, BODY);
    expect(verifySignature(header, 's', `${BODY} `, { now: T * 1000 }).valid).toBe(false);
  });

  it('refuses a timestamp outside the tolerance (a replay)', () => {
    const header = signatureHeader(['s'], T, BODY);
    expect(verifySignature(header, 's', BODY, { now: (T + 301) * 1000 })).toEqual({
      valid: false,
      reason: 'stale',
    });
    expect(verifySignature(header, 's', BODY, { now: (T + 299) * 1000 }).valid).toBe(true);
    expect(verifySignature(header, 's', BODY, { now: (T - 301) * 1000 }).valid).toBe(false);
  });

  it('refuses malformed headers', () => {
    for (const header of ['', 't=abc,v1=00', `v1=${'a'.repeat(64)}`, `t=${T}`, `t=${T},v1=xyz`])
      expect(verifySignature(header, 's', BODY, { now: T * 1000 })).toEqual({
        valid: false,
        reason: 'malformed',
      });
  });
});
