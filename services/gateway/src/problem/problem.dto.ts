import { createZodDto } from '../docs/zod-dto';
import { ProblemDetails } from '@slotbook/contracts';

/** The RFC 9457 body of every error, as the OpenAPI document names it (`ProblemDto`). */
export class ProblemDto extends createZodDto(ProblemDetails) {}
