import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSecret, sign, verify } from './signature';

describe(sign.name, () => {
  // The example of the Standard Webhooks reference libraries.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('signs id, timestamp and body with the secret, as the Standard Webhooks libraries do', () => {
    expect(sign(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies any of several signatures and refuses a changed body', () => {
    const header = `v1,bm9wZQ== ${sign(secret, id, timestamp, body)}`;
    expect(verify(secret, id, timestamp, body, header)).toBe(true);
    expect(verify(secret, id, timestamp, `${body} `, header)).toBe(false);
    expect(verify(newSecret(), id, timestamp, body, header)).toBe(false);
  });

  it('makes secrets of 24 random bytes', () => {
    const made = newSecret();
    expect(made).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(newSecret()).not.toBe(made);
  });
});

describe('the signed delivery the README shows', () => {
  /** A CRM developer checks their verifier against this sample: it must stay true to the code. */
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const secret = /signed with the secret `(whsec_[A-Za-z0-9+/=]+)`/.exec(readme)?.[1];
  const sample = /webhook-id: (\S+)\nwebhook-timestamp: (\d+)\nwebhook-signature: (\S+)\n\n(\{.*\})\n/.exec(readme);

  it('verifies with the documented secret, and not once its body is changed', () => {
    expect(secret).toBeDefined();
    expect(sample).not.toBeNull();
    const [, id, timestamp, header, body] = sample as RegExpExecArray;
    expect(verify(secret as string, id, Number(timestamp), body, header)).toBe(true);
    expect(verify(secret as string, id, Number(timestamp), body.replace('+46701234567', '+46701234568'), header)).toBe(false);
    expect(JSON.parse(body)).toMatchObject({ id, type: expect.stringMatching(/^contact\./) });
  });
});
