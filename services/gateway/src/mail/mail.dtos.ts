import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { MailPage, MailStatus, PageCursorParam, PageLimitParam } from '@slotbook/contracts';

export class MailPageDto extends createZodDto(MailPage) {}

export class ListMailQueryDto extends createZodDto(
  z.strictObject({
    status: MailStatus.optional(),
    limit: PageLimitParam,
    cursor: PageCursorParam,
  }),
) {}
