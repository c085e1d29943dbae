import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { SignJWT, importPKCS8, type KeyLike } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  type Role,
} from '@slotbook/contracts';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config';

/** Signs short-lived access tokens with identity's private key; only identity can sign. */
@Injectable()
export class AccessTokenSigner implements OnModuleInit {
  private key!: KeyLike;

  constructor(@Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig) {}

  async onModuleInit(): Promise<void> {
    this.key = await importPKCS8(this.config.JWT_PRIVATE_KEY, ACCESS_TOKEN_ALGORITHM);
  }

  get ttlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  sign(claims: { userId: string; role: Role; sessionId: string }): Promise<string> {
    return new SignJWT({ role: claims.role, sid: claims.sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.config.ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
  }
}
