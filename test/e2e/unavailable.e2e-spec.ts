import request from 'supertest';
import { createTestApp, fixture, KEYS, TestApp } from '../support/test-app';

describe('when the database cannot be reached', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.resetDatabase();
    await t.dataSource.destroy();
  });
  afterAll(() => t.close());

  it('answers a webhook 503 so that LINK retries', async () => {
    const res = await t.postMo(fixture('mo-02-text-msisdn-bsuid'));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ resultCode: 112903, description: expect.stringContaining('retry later'), translatedDescription: null });
  });

  it('counts those webhooks as retry_later, not as failures', async () => {
    await t.postMo(fixture('mo-02-text-msisdn-bsuid')).expect(503);
    const metrics = await request(t.http).get('/metrics').auth(KEYS.metrics, { type: 'bearer' });
    expect(metrics.text).toMatch(/contact_book_webhooks_total\{kind="mo",outcome="retry_later"\} [1-9]/);
    expect(metrics.text).not.toContain('outcome="failed"');
  });

  it('reports not ready', async () => {
    const res = await request(t.http).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
  });
});
