import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { makeS3ObjectStore, ObjectStoreUnavailableError } from './s3';
import { binaryBytes } from './testing';

// What a real server cannot be made to answer on demand (501, 503); the S3 path end to end is
// test/integration/object-storage-s3.test.ts.
const failure = (name: string, httpStatusCode: number) =>
  new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });

function fakeClient(answer: (command: unknown) => unknown) {
  const puts: PutObjectCommandInput[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof PutObjectCommand) puts.push(command.input);
      const result = answer(command);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as S3Client;
  return { client, puts };
}

const meta = { contentType: 'application/pdf', retentionClass: 'working-1y' } as const;

describe('S3 object store failures', () => {
  it('when the server answers 501 to If-None-Match, then the put is sent again without it, and so are later puts', async () => {
    const { client, puts } = fakeClient((command) => {
      if (command instanceof HeadObjectCommand) return failure('NotFound', 404);
      if (command instanceof PutObjectCommand && command.input.IfNoneMatch) return failure('NotImplemented', 501);
      return {};
    });
    const store = makeS3ObjectStore({ client, bucket: 'docs' });
    await store.put('a/one.pdf', binaryBytes(), meta);
    await store.put('a/two.pdf', binaryBytes(), meta);
    expect(puts.map((p) => [p.Key, p.IfNoneMatch])).toEqual([
      ['a/one.pdf', '*'],
      ['a/one.pdf', undefined],
      ['a/two.pdf', undefined],
    ]);
    expect(puts[1]).toMatchObject({
      ChecksumSHA256: expect.stringMatching(/=$/),
      Metadata: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), 'retention-class': 'working-1y' },
      Tagging: 'retention-class=working-1y',
    });
  });

  it('when S3 answers 503 or the connection is refused, then ObjectStoreUnavailableError (retryable)', async () => {
    const busy = makeS3ObjectStore({ client: fakeClient(() => failure('SlowDown', 503)).client, bucket: 'docs' });
    await expect(busy.head('a/b.pdf')).rejects.toMatchObject({ kind: 'retryable' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const down = makeS3ObjectStore({ client: fakeClient(() => refused).client, bucket: 'docs' });
    await expect(down.get('a/b.pdf')).rejects.toBeInstanceOf(ObjectStoreUnavailableError);
  });

  it('when S3 refuses the request (403), then its error as it is', async () => {
    const store = makeS3ObjectStore({ client: fakeClient(() => failure('AccessDenied', 403)).client, bucket: 'docs' });
    await expect(store.put('a/b.pdf', binaryBytes(), meta)).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('when the bytes read back do not match the sha256 recorded at put, then they are refused', async () => {
    const { client } = fakeClient((command) =>
      command instanceof GetObjectCommand ? { Body: { transformToByteArray: async () => binaryBytes(3) }, Metadata: { sha256: '0'.repeat(64) } } : {},
    );
    await expect(makeS3ObjectStore({ client, bucket: 'docs' }).get('a/b.pdf')).rejects.toThrow(/read back with sha256/);
  });
});
