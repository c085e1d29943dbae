import amqplib, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  AuditSubscription,
  subscribedEventParser,
  type AnyEventEnvelope,
} from '@slotbook/contracts';
import { EventSubscriber } from '@slotbook/messaging';
import { eventually, infra, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { AuditRepository } from '../src/audit/audit.repository';
import { AuditDocument, AuditSchema } from '../src/audit/audit.schema';
import { AUDIT_BATCH, AuditService } from '../src/audit/audit.service';

function userUpdated(id = randomUUID()): AnyEventEnvelope {
  return {
    id,
    type: 'user.updated',
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    actorId: null,
    data: { id: randomUUID() },
  };
}

/** A repository whose write fails once for each of `failOnce`, as a database that is down does. */
class FailingAuditRepository extends AuditRepository {
  readonly failOnce = new Set<string>();

  override async record(entries: AuditDocument[]): Promise<void> {
    const failing = entries.filter((entry) => this.failOnce.delete(entry._id));
    if (failing.length > 0) throw new Error('the database is down');
    await super.record(entries);
  }
}

/** The audit trail takes events from the broker in batches, as identity wires it. */
describe('the audit trail fed by events', () => {
  const exchange = `test.audit.${randomUUID()}`;
  const queue = `test.audit.${randomUUID()}`;
  let db: Connection;
  let model: Model<AuditDocument>;
  let repository: FailingAuditRepository;
  let subscriber: EventSubscriber<AnyEventEnvelope>;
  let broker: ChannelModel;
  let channel: ConfirmChannel;
  const inserts: number[] = [];
  const redelivered = new Set<string>();

  beforeAll(async () => {
    db = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('audit')), { monitorCommands: true })
      .asPromise();
    db.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'insert' && event.command.insert === 'audit')
        inserts.push(event.command.documents.length);
    });
    model = db.model(AuditDocument.name, AuditSchema);
    await model.init();
    repository = new FailingAuditRepository(model);
    const audit = new AuditService(repository);
    subscriber = new EventSubscriber<AnyEventEnvelope>(
      {
        amqpUrl: infra.amqpUrl,
        queue,
        prefetch: 2 * AUDIT_BATCH.maxItems,
        bindings: [{ exchange, pattern: '#' }],
      },
      (event, delivery) => {
        if (delivery.redelivered) redelivered.add(event.id);
        return audit.recordEvent(event);
      },
      subscribedEventParser(AuditSubscription),
    );
    await subscriber.waitForConnect();
    broker = await amqplib.connect(infra.amqpUrl);
    channel = await broker.createConfirmChannel();
  });

  afterAll(async () => {
    await subscriber?.close();
    await channel?.deleteQueue(queue).catch(() => undefined);
    await channel?.deleteExchange(exchange).catch(() => undefined);
    await broker?.close();
    await db?.dropDatabase();
    await db?.close();
  });

  async function publish(events: AnyEventEnvelope[]): Promise<void> {
    for (const event of events)
      channel.publish(exchange, event.type, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        messageId: event.id,
      });
    await channel.waitForConfirms();
  }

  async function recorded(ids: string[]): Promise<number> {
    return model.countDocuments({ _id: { $in: ids } });
  }

  it('records a burst of events in a few writes, not one per event', async () => {
    const events = Array.from({ length: 150 }, () => userUpdated());
    inserts.length = 0;
    await publish(events);
    const ids = events.map((event) => event.id);
    await eventually(async () => expect(await recorded(ids)).toBe(150));
    expect(inserts.reduce((sum, n) => sum + n, 0)).toBe(150);
    expect(inserts.length).toBeLessThanOrEqual(10);
  });

  it('records an event delivered again once, in a later batch or in the same one', async () => {
    const first = userUpdated();
    await publish([first]);
    await eventually(async () => expect(await recorded([first.id])).toBe(1));
    const second = userUpdated();
    const after = userUpdated();
    await publish([first, second, second, after]);
    await eventually(async () => expect(await recorded([after.id])).toBe(1));
    expect(await recorded([first.id, second.id])).toBe(2);
    expect([...redelivered]).not.toContain(after.id); // no write failed on the copies
  });

  it('leaves the events of a failed write unacknowledged: they come again and are recorded', async () => {
    const events = Array.from({ length: 5 }, () => userUpdated());
    const ids = events.map((event) => event.id);
    for (const id of ids) repository.failOnce.add(id);
    await publish(events);
    await eventually(async () => expect(await recorded(ids)).toBe(5));
    expect(repository.failOnce.size).toBe(0);
    expect(ids.filter((id) => redelivered.has(id))).toEqual(ids);
  });
});
