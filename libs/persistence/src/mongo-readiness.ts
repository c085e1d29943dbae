import type { Connection } from 'mongoose';
import type { ReadinessCheck } from '@slotbook/runtime';

export function mongoReadiness(connection: Connection): ReadinessCheck {
  return {
    name: 'database',
    check: async () => {
      if (!connection.db) throw new Error('not connected');
      await connection.db.admin().ping();
    },
  };
}
