/**
 * Are conditional updates a compare-and-set on the database at MONGO_URL? Runs rounds of
 * concurrent `updateOne({_id, version: 0}, {$inc: {version: 1}})` on a fresh document and counts
 * the rounds in which more than one update reported a change. On MongoDB that is never; on
 * FerretDB 1.24 (read, change in memory, write back whole) it is most rounds, which is why
 * Slotbook's guarantees rest on unique inserts (README, "Known limits").
 *
 *   MONGO_URL=mongodb://127.0.0.1:27017 npm run bench:ferretdb-updates
 *   BENCH_ROUNDS=100 BENCH_WRITERS=10 ...
 */
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 10);

async function main(): Promise<void> {
  const url = process.env.MONGO_URL;
  if (!url) throw new Error('MONGO_URL is required (a server URL)');
  const database = `bench_updates_${randomUUID().slice(0, 8)}`;
  const connection = await mongoose
    .createConnection(`${url.replace(/\/$/, '')}/${database}`)
    .asPromise();
  try {
    const records = connection.collection<{ _id: string; version: number }>('records');
    let roundsWithSeveralWinners = 0;
    let winners = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const _id = randomUUID();
      await records.insertOne({ _id, version: 0 });
      const results = await Promise.all(
        Array.from({ length: WRITERS }, () =>
          records.updateOne({ _id, version: 0 }, { $inc: { version: 1 } }),
        ),
      );
      const changed = results.filter((result) => result.modifiedCount === 1).length;
      winners += changed;
      if (changed > 1) roundsWithSeveralWinners += 1;
    }
    console.log(
      JSON.stringify(
        { rounds: ROUNDS, writersPerRound: WRITERS, roundsWithSeveralWinners, winners },
        null,
        2,
      ),
    );
  } finally {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
