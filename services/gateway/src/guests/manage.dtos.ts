import { ManagedBooking, ManageTokenParam } from '@slotbook/contracts';
import { createZodDto } from '../docs/zod-dto';

export class ManagedBookingDto extends createZodDto(ManagedBooking) {}
export class ManageTokenParamDto extends createZodDto(ManageTokenParam) {}
