import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '@slotbook/persistence';
import { RefreshTokenDocument, RefreshTokenUseDocument, SessionDocument } from './session.schema';

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectModel(SessionDocument.name) private readonly sessions: Model<SessionDocument>,
    @InjectModel(RefreshTokenDocument.name) private readonly tokens: Model<RefreshTokenDocument>,
    @InjectModel(RefreshTokenUseDocument.name)
    private readonly uses: Model<RefreshTokenUseDocument>,
  ) {}

  async openSession(userId: string, now: Date, ttlMs: number): Promise<SessionDocument> {
    const session: SessionDocument = {
      _id: randomUUID(),
      userId,
      revoked: false,
      revokedAt: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    };
    await this.sessions.create(session);
    return session;
  }

  /** Issues the next refresh token of a session; returns the token itself (only its hash is kept). */
  async issueToken(session: SessionDocument, now: Date): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.create({
      _id: hashRefreshToken(token),
      sessionId: session._id,
      userId: session.userId,
      createdAt: now,
      expiresAt: session.expiresAt,
    });
    return token;
  }

  /**
   * Uses a token up: an insert into a unique index, so of any number of concurrent callers
   * exactly one wins, on MongoDB and FerretDB alike. Every later use is a replay.
   */
  async claim(token: string): Promise<boolean> {
    try {
      await this.uses.create({ _id: hashRefreshToken(token), usedAt: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  findToken(token: string): Promise<RefreshTokenDocument | null> {
    return this.tokens.findById(hashRefreshToken(token)).lean<RefreshTokenDocument>().exec();
  }

  findSession(sessionId: string): Promise<SessionDocument | null> {
    return this.sessions.findById(sessionId).lean<SessionDocument>().exec();
  }

  async revokeSession(sessionId: string, now: Date): Promise<void> {
    // The session is the family's single source of truth: its tokens are checked against it.
    await this.sessions.updateOne({ _id: sessionId }, { $set: { revoked: true, revokedAt: now } });
  }

  /** Revokes every live session of a user but `keep`; returns the ids revoked. */
  async revokeUserSessions(userId: string, now: Date, keep?: string): Promise<string[]> {
    const live = await this.sessions
      .find({ userId, revoked: false }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    const ids = live.map((session) => session._id).filter((id) => id !== keep);
    for (const id of ids) await this.revokeSession(id, now);
    return ids;
  }

  async recentlyRevokedSessionIds(since: Date): Promise<string[]> {
    const docs = await this.sessions
      .find({ revoked: true, revokedAt: { $gte: since } }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    return docs.map((doc) => doc._id);
  }
}
