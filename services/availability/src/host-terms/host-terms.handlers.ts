import { Controller } from '@nestjs/common';
import { GetHostTerms } from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { HostTermsService } from './host-terms.service';

@Controller()
export class HostTermsHandlers {
  constructor(private readonly terms: HostTermsService) {}

  @Handles(GetHostTerms)
  get(command: CommandOf<typeof GetHostTerms>) {
    return this.terms.get(command);
  }
}
