import { Module } from '@nestjs/common';
import { AdminMailController } from './admin-mail.controller';

/** `/admin/mail`: SPEC §6c. */
@Module({
  controllers: [AdminMailController],
})
export class MailRoutesModule {}
