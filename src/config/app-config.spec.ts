import { loadAppConfig } from './app-config';

describe(loadAppConfig.name, () => {
  it('fills defaults for an empty environment', () => {
    expect(loadAppConfig({})).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      dataDir: './data',
      apiKeys: [],
      defaultRegion: 'SE',
      linkBaseUrl: 'https://n-eu.linkmobility.io/whatsapp-message',
      linkTimeoutMs: 10000,
      bodyLimitBytes: 1048576,
      bulkBodyLimitBytes: 16777216,
    });
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
      expect.stringMatching(/^  - PORT: /),
      '  - DEFAULT_REGION: DEFAULT_REGION must be two upper-case letters',
    ]);
  });

  it('rejects API_KEYS that is not JSON', () => {
    expect(() => loadAppConfig({ API_KEYS: '[{' })).toThrow('API_KEYS is not valid JSON');
  });
});
