import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { errors, importSPKI, jwtVerify, type KeyLike } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenClaims,
  DomainError,
  ErrorCode,
} from '@slotbook/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/**
 * Verifies access tokens locally with identity's public key. The algorithm is pinned, so
 * `alg: none` or an HMAC token forged with the public key as its secret is refused.
 */
@Injectable()
export class AccessTokenVerifier implements OnModuleInit {
  private key!: KeyLike;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async onModuleInit(): Promise<void> {
    this.key = await importSPKI(this.config.JWT_PUBLIC_KEY, ACCESS_TOKEN_ALGORITHM);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
      });
      return AccessTokenClaims.parse(payload);
    } catch (error) {
      const message =
        error instanceof errors.JWTExpired
          ? 'the access token has expired'
          : 'the access token is invalid';
      throw new DomainError(ErrorCode.Unauthorized, message);
    }
  }
}
