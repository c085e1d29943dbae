import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { errors, importSPKI, jwtVerify, type KeyLike } from 'jose';
import { LRUCache } from 'lru-cache';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenClaims,
  DomainError,
  ErrorCode,
} from '@slotbook/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Verified tokens remembered per gateway replica: a client sends the same one many times. */
const VERIFIED_TOKENS = 10_000;

/**
 * Verifies access tokens locally with identity's public key. The algorithm is pinned, so
 * `alg: none` or an HMAC token forged with the public key as its secret is refused.
 *
 * A token that verified is remembered (by its exact text) until it expires, so the signature
 * check runs once per token and replica, not once per request. Only successes are cached;
 * revocation is not the signature's business and is still checked on every request.
 */
@Injectable()
export class AccessTokenVerifier implements OnModuleInit {
  private key!: KeyLike;
  private readonly verified = new LRUCache<string, AccessTokenClaims>({ max: VERIFIED_TOKENS });

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async onModuleInit(): Promise<void> {
    this.key = await importSPKI(this.config.JWT_PUBLIC_KEY, ACCESS_TOKEN_ALGORITHM);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['exp'],
      });
      const claims = AccessTokenClaims.parse(payload);
      // jwtVerify refused a token without a future `exp`: forget this one the moment it expires.
      const ttl = payload.exp! * 1000 - Date.now();
      if (ttl > 0) this.verified.set(token, claims, { ttl });
      return claims;
    } catch (error) {
      const message =
        error instanceof errors.JWTExpired
          ? 'the access token has expired'
          : 'the access token is invalid';
      throw new DomainError(ErrorCode.Unauthorized, message);
    }
  }
}
