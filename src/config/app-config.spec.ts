import { loadAppConfig } from './app-config';

describe(loadAppConfig.name, () => {
  it('fills defaults for an empty environment', () => {
    expect(loadAppConfig({})).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: './data',
      apiKeys: [],
      defaultRegion: 'SE',
      linkBaseUrl: 'https://n-eu.linkmobility.io/whatsapp-message',
      linkTimeoutMs: 10000,
      bodyLimitBytes: 1048576,
      bulkBodyLimitBytes: 16777216,
      passThroughBodyLimitBytes: 134217728,
      logLevel: 'info',
      rateLimit: { windowMs: 10000, api: 3000, webhooks: 50000 },
      webhookAllowedRanges: undefined,
      trustProxy: false,
      corsOrigins: [],
      shutdownGraceMs: 10000,
      shutdownDelayMs: 0,
      apiDocs: true,
    });
  });

  it('takes CONTACT_BOOK_SINCE as a date at UTC midnight or a date-time with its zone', () => {
    expect(loadAppConfig({}).contactBookSince).toEqual(new Date('2026-04-01T00:00:00Z'));
    expect(loadAppConfig({ CONTACT_BOOK_SINCE: '2026-04-15' }).contactBookSince).toEqual(new Date('2026-04-15T00:00:00Z'));
    expect(loadAppConfig({ CONTACT_BOOK_SINCE: '2026-04-15T08:00:00+02:00' }).contactBookSince).toEqual(new Date('2026-04-15T06:00:00Z'));
  });

  it.each(['April 2026', '2026-04-31', '2026-04-15T08:00:00', '1775001600000'])('refuses CONTACT_BOOK_SINCE=%s', (value) => {
    expect(() => loadAppConfig({ CONTACT_BOOK_SINCE: value })).toThrow(/CONTACT_BOOK_SINCE/);
  });

  it.each([
    ['log', 'info'],
    ['verbose', 'trace'],
    ['debug', 'debug'],
  ])('reads LOG_LEVEL %s as %s', (given, level) => {
    expect(loadAppConfig({ LOG_LEVEL: given }).logLevel).toBe(level);
  });

  it('reads the webhook allow-list, proxies and CORS origins', () => {
    const config = loadAppConfig({
      WEBHOOK_ALLOWED_CIDRS: '198.51.100.0/24',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      CORS_ORIGINS: 'https://crm.example.com, https://ops.example.com',
    });
    expect(config.webhookAllowedRanges).toEqual([{ address: '198.51.100.0', prefix: 24, family: 'ipv4' }]);
    expect(config.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1/32']);
    expect(config.corsOrigins).toEqual(['https://crm.example.com', 'https://ops.example.com']);
    expect(loadAppConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadAppConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it("reads `link` in the allow-list as the hosts of Appendix 1 of LINK's document", () => {
    const ranges = loadAppConfig({ WEBHOOK_ALLOWED_CIDRS: 'link, 10.0.0.0/8' }).webhookAllowedRanges ?? [];
    expect(ranges).toHaveLength(25);
    expect(ranges).toEqual(
      expect.arrayContaining([
        { address: '213.242.87.36', prefix: 32, family: 'ipv4' },
        { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      ]),
    );
  });

  it('keeps sent messages and webhook receipts 30 days unless RETENTION_DAYS says otherwise', () => {
    expect(loadAppConfig({}).retentionDays).toBe(30);
    expect(loadAppConfig({ RETENTION_DAYS: '7' }).retentionDays).toBe(7);
    for (const bad of ['0', '-1', '2.5', 'month', '3651']) expect(() => loadAppConfig({ RETENTION_DAYS: bad })).toThrow(/RETENTION_DAYS: /);
  });

  it('wants the shutdown delay inside the grace period', () => {
    expect(() => loadAppConfig({ SHUTDOWN_DELAY_MS: '10000' })).toThrow(/SHUTDOWN_DELAY_MS: must be shorter than SHUTDOWN_GRACE_MS/);
    expect(loadAppConfig({ SHUTDOWN_DELAY_MS: '5000', SHUTDOWN_GRACE_MS: '30000' }).shutdownDelayMs).toBe(5000);
  });

  it('names a CORS origin that a browser would never send', () => {
    expect(() => loadAppConfig({ CORS_ORIGINS: 'https://crm.example.com, crm.example.com, https://x.example/' })).toThrow(
      /CORS_ORIGINS: "crm.example.com" is not an origin[\s\S]*CORS_ORIGINS: "https:\/\/x.example\/"/,
    );
    expect(loadAppConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  it('refuses to trust every proxy in front of a webhook allow-list', () => {
    expect(() => loadAppConfig({ WEBHOOK_ALLOWED_CIDRS: 'link', TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: with WEBHOOK_ALLOWED_CIDRS/);
    expect(loadAppConfig({ WEBHOOK_ALLOWED_CIDRS: 'link', TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it('names a bad allow-list entry and a bad proxy', () => {
    expect(() => loadAppConfig({ WEBHOOK_ALLOWED_CIDRS: 'link.example', TRUST_PROXY: 'lb' })).toThrow(
      /WEBHOOK_ALLOWED_CIDRS: "link.example" is not an IP address or CIDR[\s\S]*TRUST_PROXY: "lb"/,
    );
  });

  it('reads API keys', () => {
    const keys = JSON.stringify([{ name: 'crm', secret: 'a-long-secret-value', roles: ['read'], portfolios: ['acme'] }]);
    expect(loadAppConfig({ API_KEYS: keys }).apiKeys).toEqual([
      { name: 'crm', secret: 'a-long-secret-value', roles: ['read'], portfolios: ['acme'] },
    ]);
  });

  it('names every bad value in one message', () => {
    const env = {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      DEFAULT_REGION: 'Sweden',
      API_KEYS: JSON.stringify([{ name: 'x', secret: 'short', roles: ['root'], portfolios: [] }]),
    };
    expect(() => loadAppConfig(env)).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*DEFAULT_REGION[\s\S]*API_KEYS\[0\]: secret/);
  });

  it('says one thing per bad value', () => {
    let message = '';
    try {
      loadAppConfig({ PORT: 'eighty', DEFAULT_REGION: 'se' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}- PORT: /),
      '  - DEFAULT_REGION: DEFAULT_REGION must be two upper-case letters',
    ]);
  });

  it('rejects API_KEYS that is not JSON', () => {
    expect(() => loadAppConfig({ API_KEYS: '[{' })).toThrow('API_KEYS is not valid JSON');
  });
});
