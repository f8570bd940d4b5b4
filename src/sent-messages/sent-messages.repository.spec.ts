import type { DataSource, Repository } from 'typeorm';
import type { SentMessage } from './sent-message.entity';
import { SentMessagesRepository } from './sent-messages.repository';

/** A database whose INSERTs finish when the test says, and which notes the order of statements. */
function slowDatabase() {
  const order: string[] = [];
  const inserts: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const dataSource = {
    query: jest.fn(
      (sql: string) =>
        new Promise((resolve, reject) => {
          order.push(sql.trimStart().startsWith('INSERT') ? 'insert started' : 'select');
          inserts.push({
            resolve: () => {
              order.push('insert done');
              resolve([]);
            },
            reject,
          });
        }),
    ),
  };
  const messages = {
    findOneBy: jest.fn(async () => {
      order.push('find');
      return null;
    }),
  };
  const repository = new SentMessagesRepository(messages as unknown as Repository<SentMessage>, dataSource as unknown as DataSource);
  return { repository, order, inserts };
}

const SENT = [{ messageId: 'id-1', sentAs: { kind: 'msisdn' as const, value: '+46701234567' } }];

/** Lets every callback already due run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe(SentMessagesRepository.name, () => {
  it('reads a DLR’s send only once the records started before it are written', async () => {
    const { repository, order, inserts } = slowDatabase();
    const recorded = repository.record('acme', '+46000000000', new Date(), SENT);
    const found = repository.find('id-1');
    await turn();
    expect(order).toEqual(['insert started']);

    inserts[0].resolve();
    await Promise.all([recorded, found]);
    expect(order).toEqual(['insert started', 'insert done', 'find']);
  });

  it('settles for an erasure once the records started before it are written, also when one failed', async () => {
    const { repository, inserts } = slowDatabase();
    const recorded = repository.record('acme', '+46000000000', new Date(), SENT);
    let settled = false;
    const settling = repository.settled().then(() => (settled = true));
    await turn();
    expect(settled).toBe(false);

    inserts[0].reject(new Error('refused'));
    await expect(recorded).rejects.toThrow('refused');
    await settling;
    expect(settled).toBe(true);
  });

  it('does not wait for records started after the read', async () => {
    const { repository, order } = slowDatabase();
    const found = repository.find('id-1');
    void repository.record('acme', '+46000000000', new Date(), SENT).catch(() => undefined);
    await found;
    expect(order).toContain('find');
    expect(order).not.toContain('insert done');
  });
});
