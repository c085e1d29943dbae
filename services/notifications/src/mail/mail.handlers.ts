import { Controller } from '@nestjs/common';
import { DomainError, ErrorCode, ListMail, type MailRecord } from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { MailRepository } from './mail.repository';
import type { MailDocument } from './mail.schema';

@Controller()
export class MailHandlers {
  constructor(private readonly mails: MailRepository) {}

  /** The mail log (ADMIN): every mail to every recipient, newest first, never a body. */
  @Handles(ListMail)
  async list(command: CommandOf<typeof ListMail>) {
    if (command.actor.role !== 'ADMIN') {
      throw new DomainError(ErrorCode.Forbidden, 'only an ADMIN reads the mail log');
    }
    const { status, limit, cursor } = command.query;
    const page = await this.mails.list(status, limit, cursor);
    return { data: page.data.map(toMailRecord), nextCursor: page.nextCursor };
  }
}

function toMailRecord(doc: MailDocument): MailRecord {
  return {
    id: doc._id,
    eventId: doc.eventId,
    bookingId: doc.bookingId,
    kind: doc.kind,
    role: doc.role,
    to: doc.to,
    status: doc.status,
    messageId: doc.messageId,
    attempts: doc.attempts,
    lastError: doc.lastError,
    dueAt: doc.status === 'pending' && doc.dueAt ? doc.dueAt.toISOString() : null,
    createdAt: doc.createdAt.toISOString(),
    sentAt: doc.sentAt ? doc.sentAt.toISOString() : null,
  };
}
