import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freshTimestamp, twilioSignature, verifySendGridSignature, verifyTwilioSignature } from './signatures';

/**
 * Known vectors of Twilio's own test suite, twilio/twilio-python tests/unit/test_request_validator.py
 * (the same example as Twilio's "Security" docs page and twilio-php's validation docs): auth
 * token 12345, this URL and these POST parameters.
 */
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Digits: '1234', From: '+14158675309', To: '+18005551212', Caller: '+14158675309' };

describe('twilioSignature / verifyTwilioSignature', () => {
  it('when signing the documented example, then the signature is the documented one', () => {
    expect(twilioSignature(TOKEN, URL_, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    // The current docs page's variant of the example (Caller/From +14158675310).
    const docs = { ...PARAMS, From: '+14158675310', Caller: '+14158675310' };
    expect(twilioSignature(TOKEN, URL_, docs)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
  });

  it('when a parameter is repeated, then each distinct value counts, sorted (test_compute_signature_duplicate_multi_dict)', () => {
    const params = { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234'] };
    expect(twilioSignature(TOKEN, URL_, params)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it('when Twilio signed the URL with the default port, or the URL names a port Twilio left out, then it still verifies', () => {
    // test_validation_adds_port_on_https / _on_http: signatures over https://mycompany.com:443/... and http://mycompany.com:80/...
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, 'kvajT1Ptam85bY51eRf/AJRuM3w=')).toBe(true);
    expect(verifyTwilioSignature(TOKEN, URL_.replace('https', 'http'), PARAMS, '0ZXoZLH/DfblKGATFgpif+LLRf4=')).toBe(true);
    // test_validation_removes_port_on_https / _on_http
    expect(verifyTwilioSignature(TOKEN, URL_.replace('.com', '.com:1234'), PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(verifyTwilioSignature(TOKEN, URL_.replace('.com', '.com:1234').replace('https', 'http'), PARAMS, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=')).toBe(true);
  });

  it('when the signature is forged, made with another token, over other parameters or another query string, or missing, then it is refused', () => {
    const good = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B9=')).toBe(false);
    expect(verifyTwilioSignature('54321', URL_, PARAMS, good)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL_, { ...PARAMS, Digits: '9999' }, good)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL_, { ...PARAMS, Extra: '' }, good)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, 'https://mycompany.com/myapp.php?foo=1&bar=3', PARAMS, good)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, 'https://mycompany.com/myapp.php', PARAMS, good)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, undefined)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, '')).toBe(false);
    expect(verifyTwilioSignature('', URL_, PARAMS, good)).toBe(false);
  });
});

/**
 * The known vector of SendGrid's own helper, sendgrid/sendgrid-nodejs
 * packages/eventwebhook/src/eventwebhook.spec.js: its key, payload, timestamp and signature.
 */
const SG_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
const SG_SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
const SG_TIMESTAMP = '1588788367';
const SG_PAYLOAD = Buffer.from(JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }));
const atSgTime = { now: new Date(Number(SG_TIMESTAMP) * 1000 + 30_000) };

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), privateKey };
}

describe('verifySendGridSignature', () => {
  it("when given SendGrid's own test vector, then it verifies, and a changed payload, signature or key does not", () => {
    expect(verifySendGridSignature(SG_KEY, SG_SIGNATURE, SG_TIMESTAMP, SG_PAYLOAD, atSgTime)).toBe(true);
    expect(verifySendGridSignature(SG_KEY, SG_SIGNATURE, SG_TIMESTAMP, Buffer.from('payload'), atSgTime)).toBe(false);
    const badSignature = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=';
    expect(verifySendGridSignature(SG_KEY, badSignature, SG_TIMESTAMP, SG_PAYLOAD, atSgTime)).toBe(false);
    const otherKey = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==';
    expect(verifySendGridSignature(otherKey, SG_SIGNATURE, SG_TIMESTAMP, SG_PAYLOAD, atSgTime)).toBe(false);
  });

  it('when a batch is signed with the account key (timestamp + raw body), then it verifies; altered body, wrong key, garbage: refused', () => {
    const { publicKeyBase64, privateKey } = keyPair();
    const now = new Date('2026-12-05T10:00:00Z');
    const timestamp = String(now.getTime() / 1000);
    const body = Buffer.from('[{"email":"ana@example.es","event":"delivered","sg_event_id":"e1"}]\r\n');
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), privateKey).toString('base64');
    expect(verifySendGridSignature(publicKeyBase64, signature, timestamp, body, { now })).toBe(true);
    expect(verifySendGridSignature(publicKeyBase64, signature, timestamp, Buffer.from(body.toString().replace('delivered', 'bounce')), { now })).toBe(false);
    expect(verifySendGridSignature(keyPair().publicKeyBase64, signature, timestamp, body, { now })).toBe(false);
    expect(verifySendGridSignature(publicKeyBase64, signature, String(Number(timestamp) + 1), body, { now })).toBe(false);
    expect(verifySendGridSignature(publicKeyBase64, 'bm90IGEgc2lnbmF0dXJl', timestamp, body, { now })).toBe(false);
    expect(verifySendGridSignature('bm90IGEga2V5', signature, timestamp, body, { now })).toBe(false);
    expect(verifySendGridSignature(publicKeyBase64, undefined, timestamp, body, { now })).toBe(false);
  });

  it('when the timestamp is older than the tolerance or as far in the future (a replay), then a valid signature is refused', () => {
    const { publicKeyBase64, privateKey } = keyPair();
    const timestamp = '1796464800';
    const body = Buffer.from('[]');
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), privateKey).toString('base64');
    const at = (seconds: number) => ({ now: new Date((Number(timestamp) + seconds) * 1000) });
    expect(verifySendGridSignature(publicKeyBase64, signature, timestamp, body, at(600))).toBe(true);
    expect(verifySendGridSignature(publicKeyBase64, signature, timestamp, body, at(601))).toBe(false);
    expect(verifySendGridSignature(publicKeyBase64, signature, timestamp, body, at(-601))).toBe(false);
    expect(verifySendGridSignature(publicKeyBase64, signature, timestamp, body, { ...at(3600), toleranceS: 7200 })).toBe(true);
  });

  it('when the timestamp is not Unix seconds, then it is not fresh', () => {
    expect(freshTimestamp('timestamp')).toBe(false);
    expect(freshTimestamp(undefined)).toBe(false);
    expect(freshTimestamp('-5')).toBe(false);
    expect(freshTimestamp(String(Math.floor(Date.now() / 1000)))).toBe(true);
  });
});
