import argon2 from 'argon2';
import { PasswordHasher } from './password-hasher';

/** `$argon2id$v=19$m=19456,p=1,t=2$…`: everything that decides how long a verify takes. */
function costOf(hash: string): string {
  return hash.split('$').slice(1, 4).join('$');
}

describe('PasswordHasher', () => {
  it('checks an unknown account against a decoy hashed with the parameters of real hashes', async () => {
    const hasher = new PasswordHasher();
    const real = await hasher.hash('a-real-password');
    const verify = jest.spyOn(argon2, 'verify');
    try {
      await expect(hasher.verifyDecoy('a-guess')).resolves.toBe(false);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(costOf(verify.mock.calls[0][0])).toBe(costOf(real));
      expect(costOf(real)).toBe('argon2id$v=19$m=19456,p=1,t=2');
    } finally {
      verify.mockRestore();
    }
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hasher = new PasswordHasher();
    const hash = await hasher.hash('a-real-password');
    await expect(hasher.verify(hash, 'a-real-password')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'a-wrong-password')).resolves.toBe(false);
  });
});
