import type { Connection, Model } from 'mongoose';
import { SlotClaimRepository } from '../src/bookings/slot-claim.repository';
import {
  HeldStampDocument,
  HeldStampSchema,
  SlotCellDocument,
  SlotCellSchema,
  SlotClaimDocument,
  SlotClaimSchema,
} from '../src/bookings/slot-claim.schema';

/** The claim repository on a test database, its indexes (the guarantee) built. */
export async function claimsOn(connection: Connection): Promise<SlotClaimRepository> {
  const claims = connection.model(
    SlotClaimDocument.name,
    SlotClaimSchema,
  ) as Model<SlotClaimDocument>;
  const cells = connection.model(SlotCellDocument.name, SlotCellSchema) as Model<SlotCellDocument>;
  const stamps = connection.model(
    HeldStampDocument.name,
    HeldStampSchema,
  ) as Model<HeldStampDocument>;
  await Promise.all([claims.init(), cells.init(), stamps.init()]);
  return new SlotClaimRepository(claims, cells, stamps);
}
