import { generateKeyPairSync } from 'node:crypto';

/** A fresh Ed25519 key pair for signing (identity) and verifying (gateway) access tokens. */
export function generateJwtKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
