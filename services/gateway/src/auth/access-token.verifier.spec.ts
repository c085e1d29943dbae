import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  DomainError,
} from '@slotbook/contracts';
import type { GatewayConfig } from '../config';
import { AccessTokenVerifier } from './access-token.verifier';

describe('AccessTokenVerifier', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  let verifier: AccessTokenVerifier;

  beforeEach(async () => {
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    verifier = new AccessTokenVerifier({ JWT_PUBLIC_KEY: pem } as GatewayConfig);
    await verifier.onModuleInit();
  });

  function token(expiresAt: number | null, claims = { role: 'USER', sid: 'session' }) {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM })
      .setSubject('user-1')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE);
    if (expiresAt !== null) jwt.setExpirationTime(expiresAt);
    return jwt.sign(privateKey);
  }

  async function refusal(text: string): Promise<string> {
    const error = await verifier.verify(text).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).message;
  }

  it('answers the claims of a valid token, again and again', async () => {
    const text = await token(Math.floor(Date.now() / 1000) + 60);
    for (let i = 0; i < 3; i += 1) {
      expect(await verifier.verify(text)).toEqual({ sub: 'user-1', role: 'USER', sid: 'session' });
    }
  });

  it('refuses a remembered token once it has expired', async () => {
    // At least a second ahead: `exp` is in whole seconds, and a token expiring within the
    // current second could expire before its first verify on a slow machine.
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const text = await token(expiresAt);
    expect((await verifier.verify(text)).sub).toBe('user-1');
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    expect(await refusal(text)).toBe('the access token has expired');
  });

  it('refuses a token without an expiry', async () => {
    expect(await refusal(await token(null))).toBe('the access token is invalid');
  });

  it('refuses a tampered copy of a remembered token', async () => {
    const text = await token(Math.floor(Date.now() / 1000) + 60);
    await verifier.verify(text);
    const [header, , signature] = text.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'user-1', role: 'ADMIN', sid: 'session', exp: 9_999_999_999 }),
    ).toString('base64url');
    expect(await refusal(`${header}.${forged}.${signature}`)).toBe('the access token is invalid');
  });
});
