import { AppError } from '../../common/errors/app-error';
import { assertFormAgrees, combineTargets, namesPlatformOf, readBodyTarget, readFieldsTarget, readLinkPath } from './link-route';

const ACCOUNT = '/platformId/TEST_XA/platformPartnerId/1/source/+46000000000';
const TARGET = { platformId: 'TEST_XA', platformPartnerId: '1', source: '+46000000000' };

describe(readLinkPath.name, () => {
  it.each([
    ['PUT', `${ACCOUNT}/templates`, { kind: 'createTemplate' }],
    ['POST', `${ACCOUNT}/templates`, { kind: 'createTemplate' }],
    ['POST', `${ACCOUNT}/templates/594425479261596`, { kind: 'updateTemplate', templateId: '594425479261596' }],
    [
      'DELETE',
      `${ACCOUNT}/templates/594425479261596/otp_one`,
      { kind: 'deleteTemplate', templateId: '594425479261596', templateName: 'otp_one' },
    ],
    ['GET', `${ACCOUNT}/templates`, { kind: 'other' }],
    ['GET', `${ACCOUNT}/templates/594425479261596`, { kind: 'other' }],
    ['GET', `${ACCOUNT}/profile`, { kind: 'other' }],
    ['POST', `${ACCOUNT}/profile`, { kind: 'other' }],
    ['GET', `${ACCOUNT}/analytics`, { kind: 'other' }],
    ['GET', ACCOUNT, { kind: 'other' }],
  ])('reads %s %s as the account and its call', (method, path, call) => {
    expect(readLinkPath(method, path)).toEqual({ target: TARGET, call });
  });

  it('decodes the segments: a business number written %2B46…', () => {
    expect(readLinkPath('GET', '/platformId/TEST%20XA/platformPartnerId/1/source/%2B46000000000/profile').target).toEqual({
      ...TARGET,
      platformId: 'TEST XA',
    });
  });

  it.each(['/mo/status', '/media', '/media/resumable', '/platformId/TEST_XA/source/+46000000000'])('names no account in %s', (path) => {
    expect(readLinkPath('POST', path)).toEqual({ target: {}, call: { kind: 'other' } });
  });

  it('refuses a badly encoded segment', () => {
    expect(() => readLinkPath('GET', '/platformId/%E0%A4%A/platformPartnerId/1/source/x')).toThrow(AppError);
  });
});

describe(readBodyTarget.name, () => {
  it("reads POST /mo/status's body, a numeric platformPartnerId too", () => {
    expect(readBodyTarget({ ...TARGET, platformPartnerId: 1, status: 'read', message_id: 'm' })).toEqual(TARGET);
  });

  it.each([[null], [[TARGET]], ['text'], [{ platformId: ' ', source: null }]])('reads nothing from %j', (body) => {
    expect(readBodyTarget(body)).toEqual({});
  });
});

describe(combineTargets.name, () => {
  const query = readFieldsTarget(new URLSearchParams('source=%2B46000000000'));

  it('puts together what each place names', () => {
    const places = [
      { where: 'the path', target: {} },
      { where: 'the body', target: { platformId: 'TEST_XA', platformPartnerId: '1' } },
      { where: 'the query', target: query },
    ];
    expect(combineTargets(places)).toEqual(TARGET);
  });

  it('refuses places that disagree, so that LINK cannot act for another account than the one checked', () => {
    const places = [
      { where: 'the path', target: TARGET },
      { where: 'the body', target: { source: '+47000000000' } },
    ];
    expect(() => combineTargets(places)).toThrow(
      expect.objectContaining({ fields: [{ field: 'source', message: 'the body names another source than the rest of the request' }] }),
    );
  });

  it('names each field missing', () => {
    expect(() => combineTargets([{ where: 'the body', target: { source: '+46000000000' } }])).toThrow(
      expect.objectContaining({
        fields: [expect.objectContaining({ field: 'platformId' }), expect.objectContaining({ field: 'platformPartnerId' })],
      }),
    );
  });
});

describe(assertFormAgrees.name, () => {
  it('lets through a form naming the account it was checked for, files and other fields alike', () => {
    const parts = [
      { name: 'source', file: false, value: '+46000000000' },
      { name: 'mediaContentType', file: false, value: 'image/png' },
      { name: 'media', file: true },
      { name: 'platformId', file: false },
    ];
    expect(() => assertFormAgrees(parts, TARGET)).not.toThrow();
  });

  it('refuses a later field naming another account, or a file named after a field', () => {
    expect(() => assertFormAgrees([{ name: 'source', file: false, value: '+47000000000' }], TARGET)).toThrow(AppError);
    expect(() => assertFormAgrees([{ name: 'platformId', file: true, value: 'TEST_XA' }], TARGET)).toThrow(AppError);
  });
});

describe(namesPlatformOf.name, () => {
  it.each([
    [{ platformId: 'TEST_XA', platformPartnerId: '1' }, { platformId: 'TEST_XA', platformPartnerId: '1' }, true],
    [{ platformId: 'TEST_XA', platformPartnerId: '1' }, { platformId: 'TEST_XA', platformPartnerId: '2' }, false],
    [{ platformId: 'TEST_XA', platformPartnerId: null }, { platformId: 'TEST_XA', platformPartnerId: '2' }, true],
    [{ platformId: 'TEST_XA', platformPartnerId: null }, { platformId: 'TEST_GX' }, false],
    [{ platformId: null, platformPartnerId: null }, { platformId: 'anything' }, true],
  ])('portfolio %j, call naming %j: %s', (portfolio, named, expected) => {
    expect(namesPlatformOf(portfolio, named)).toBe(expected);
  });
});
