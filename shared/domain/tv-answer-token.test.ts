import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../errors';
import { signAnswerToken, verifyAnswerToken } from './tv-answer-token';

const secret = 'a-test-secret-of-at-least-32-characters';
const now = new Date('2027-01-10T10:00:00Z');
const claims = { visitId: randomUUID(), serviceOrderId: randomUUID(), expiresAt: new Date('2027-01-20T10:00:00Z') };

describe('TV answer link token', () => {
  it('when a token is signed and verified with the same secret before it expires, then the visit and order come back', () => {
    expect(verifyAnswerToken(secret, signAnswerToken(secret, claims), now)).toEqual(claims);
  });

  it.each([
    ['signed with another secret', () => signAnswerToken('another-secret-of-at-least-32-characters', claims)],
    [
      'with its payload swapped for another visit',
      () => {
        const [, signature] = signAnswerToken(secret, claims).split('.');
        const [payload] = signAnswerToken(secret, { ...claims, visitId: randomUUID() }).split('.');
        return `${payload}.${signature}`;
      },
    ],
    ['expired', () => signAnswerToken(secret, { ...claims, expiresAt: new Date('2027-01-10T09:59:59Z') })],
    ['not a token at all', () => 'garbage'],
    ['with an extra part', () => `${signAnswerToken(secret, claims)}.x`],
    [
      'signed over a payload that is not the claims',
      () => {
        const payload = Buffer.from('{"v":"x"}').toString('base64url');
        return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
      },
    ],
  ])('when a token is %s, then it is refused as unauthenticated', (_case, make) => {
    expect(() => verifyAnswerToken(secret, make(), now)).toThrow(UnauthenticatedError);
  });
});
