// A REQUEST_CONTACT_INFO message sent through the proxy, and the contacts card that answers it.
import request from 'supertest';
import { acmeDlr, messageRequest, mo, sendMo } from '../support/link-builders';
import { FakeLink, startFakeLink } from '../support/fake-link';
import { ACME_NUMBER, resetWithAcmeAndGlobex } from '../support/portfolios';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

const B = 'SE.22222222222222222222';
const M = '+46701234567';
const ACCOUNT = `/platformId/TEST_XA/platformPartnerId/1/source/${ACME_NUMBER}`;
const queued = (ids: string[]) => ({ status: 200, body: { resultCode: 112001, description: 'queued', messageIds: ids } });

/** A contacts MO from B sharing M, replying to `repliedTo`; no `origin`, as LINK's document never shows one. */
const cardReply = (messageId: string, repliedTo: string | undefined) => ({
  ...mo(B, { whatsappUserId: B }, messageId, '2026-06-01T11:00:00Z'),
  content: {
    type: 'WHATSAPP',
    message: {
      contentType: 'CONTACTS',
      contacts: [{ name: { formattedName: 'John Smith' }, phones: [{ phone: '+46 70 123 45 67', type: 'CELL', waId: '46701234567' }] }],
      ...(repliedTo ? { context: { source: '46000000000', id: repliedTo } } : {}),
    },
  },
});

describe('a contacts card answering a REQUEST_CONTACT_INFO message sent through the proxy', () => {
  let t: TestApp;
  let link: FakeLink;
  beforeAll(async () => {
    link = await startFakeLink();
    t = await createTestApp({ linkBaseUrl: link.baseUrl, linkUsername: 'link-user', linkPassword: 'link-pass' });
  });
  beforeEach(async () => {
    link.reset();
    await resetWithAcmeAndGlobex(t);
    await sendMo(t, mo(B, { whatsappUserId: B }, 'mo-hello', '2026-06-01T10:00:00Z'));
  });
  afterAll(async () => {
    await t.close();
    await link.close();
  });

  const send = (body: unknown) =>
    request(t.http)
      .post('/link/messages')
      .auth('acme-sender', KEYS.sender)
      .send(body as object);
  const askForPhone = async () => {
    link.enqueue(queued(['id-ask']));
    await send({ ...messageRequest([B]), messages: fixture('request-38-interactive-contact-request').messages }).expect(200);
  };
  const contactOf = async (identifier: string) =>
    (
      await request(t.http)
        .get(`/v1/portfolios/acme/contacts/${encodeURIComponent(identifier)}`)
        .auth(KEYS.admin, { type: 'bearer' })
    ).body as { id: string; msisdn: string | null; bsuid: string | null };
  const historyKinds = (contactId: string): Promise<{ action: string; kind: string; strength: string }[]> =>
    t.dataSource.query(
      `SELECT action, evidence->>'kind' AS kind, strength FROM link_history WHERE contact_id = $1 AND field = 'msisdn' ORDER BY id`,
      [contactId],
    );
  const openConflicts = async () =>
    (await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM link_conflict WHERE status = 'open'`))[0].n;

  it('remembers the interactive contact request by its messageId, and Meta’s id from its DLR', async () => {
    await askForPhone();
    await t.postDlr(acmeDlr(112006, { whatsappUserId: B, waMessageId: 'wamid.ASK' }, 'id-ask', '2026-06-01T10:01:00Z')).expect(200);
    expect(await t.dataSource.query(`SELECT message_id, requests_contact_info, wa_message_id FROM sent_message`)).toEqual([
      { message_id: 'id-ask', requests_contact_info: true, wa_message_id: 'wamid.ASK' },
    ]);
  });

  it('links the shared phone to the sender as attested, its history saying it answered the request', async () => {
    await askForPhone();
    await t.postDlr(acmeDlr(112006, { whatsappUserId: B, waMessageId: 'wamid.ASK' }, 'id-ask', '2026-06-01T10:01:00Z')).expect(200);
    await t.postMo(cardReply('mo-card', 'wamid.ASK')).expect(200);

    const contact = await contactOf(B);
    expect(contact).toMatchObject({ bsuid: B, msisdn: M });
    expect(await historyKinds(contact.id)).toEqual([{ action: 'linked', kind: 'CONTACT_REQUEST_REPLY', strength: 'attested' }]);
    expect(await openConflicts()).toBe(0);
  });

  it('links it when the reply names LINK’s messageId too', async () => {
    await askForPhone();
    await t.postMo(cardReply('mo-card', 'id-ask')).expect(200);
    expect(await contactOf(B)).toMatchObject({ bsuid: B, msisdn: M });
  });

  it.each([
    ['answering nothing', undefined],
    ['answering a message that asked for nothing', 'wamid.TEXT'],
  ])('keeps the same card %s a conflict, never the sender’s phone', async (_, repliedTo) => {
    link.enqueue(queued(['id-text']));
    await send(messageRequest([B])).expect(200);
    await t.postDlr(acmeDlr(112006, { whatsappUserId: B, waMessageId: 'wamid.TEXT' }, 'id-text', '2026-06-01T10:01:00Z')).expect(200);
    await t.postMo(cardReply('mo-card', repliedTo)).expect(200);

    const contact = await contactOf(B);
    expect(contact.msisdn).toBeNull();
    expect(await openConflicts()).toBe(1);
  });

  it('a template with a REQUEST_CONTACT_INFO button, created through the proxy, asks for the phone too', async () => {
    link.enqueue({ status: 200, body: { id: '31', status: 'APPROVED', category: 'UTILITY' } });
    const template = fixture('request-37-template-request-contact-info');
    await request(t.http)
      .put(`/link${ACCOUNT}/templates`)
      .auth('acme-sender', KEYS.sender)
      .send({
        name: 'request_contact_info',
        language: 'en',
        category: 'utility',
        components: [
          { type: 'body', text: 'Please provide your phone number' },
          { type: 'buttons', buttons: [{ type: 'REQUEST_CONTACT_INFO', text: 'Share Contact Info' }] },
        ],
      })
      .expect(200);
    link.enqueue(queued(['id-template']));
    await send({ ...messageRequest([B]), messages: template.messages }).expect(200);
    await t.postMo(cardReply('mo-card', 'id-template')).expect(200);
    expect(await contactOf(B)).toMatchObject({ bsuid: B, msisdn: M });
  });

  it('a reply from another BSUID than the request went to stays a claim', async () => {
    await askForPhone();
    const other = 'SE.33333333333333333333';
    const reply = { ...cardReply('mo-card', 'id-ask'), source: other, customParameters: { whatsappUserId: other } };
    await t.postMo(reply).expect(200);
    expect((await contactOf(other)).msisdn).toBeNull();
    expect(await openConflicts()).toBe(1);
  });
});
