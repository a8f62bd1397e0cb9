import { GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ObjectConflictError, objectStoreFromConfig, sha256Hex, type ObjectStore } from '../../shared/object-storage';
import { makeS3ObjectStore } from '../../shared/object-storage/s3';
import { binaryBytes, freshKey, objectStoreExpectations } from '../../shared/object-storage/testing';
import { canRunS3Mock, startS3Server, type S3Server, type S3ServerKind } from '../support/s3-server';

// The S3 store (objectStoreFromConfig with a bucket: the real @aws-sdk/client-s3 path, SigV4,
// credentials from the SDK's default chain) against real S3-protocol servers: s3rver (in process,
// always) and Adobe's S3Mock (a JVM, where java and mvn are). The same expectations as the local
// store's, then what only S3 has: metadata, tags, checksums and conditional writes. s3rver keeps
// no tags set by PutObject, verifies no checksum and ignores If-None-Match, so those three are
// proven on S3Mock only, which npm run test:integration needs (Java and Maven, as Kafka does).

describe('S3 object store on s3rver', () => s3StoreSuite('s3rver', { s3Only: false }));
describe('S3 object store on S3Mock', () => {
  it('when the integration tests run, then Java and Maven are there to run S3Mock', () => {
    expect(canRunS3Mock()).toBe(true);
  });
  s3StoreSuite('s3mock', { s3Only: true });
});

function s3StoreSuite(kind: S3ServerKind, { s3Only }: { s3Only: boolean }): void {
  let server: S3Server;
  let store: ObjectStore;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startS3Server(kind);
    vi.stubEnv('AWS_ACCESS_KEY_ID', server.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', server.credentials.secretAccessKey);
    store = objectStoreFromConfig({
      OBJECT_STORE_BUCKET: server.bucket,
      OBJECT_STORE_ENDPOINT: server.endpoint,
      OBJECT_STORE_REGION: server.region,
      OBJECT_STORE_FORCE_PATH_STYLE: 'true',
    });
    s3 = new S3Client({ region: server.region, endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials });
  });
  afterAll(async () => {
    s3?.destroy();
    vi.unstubAllEnvs();
    await server?.close();
  });

  objectStoreExpectations(() => store);

  const meta = { contentType: 'application/pdf', retentionClass: 'contract-10y' } as const;

  it('when an object is put, then its S3 metadata carries its sha256 and retention class', async () => {
    const key = freshKey();
    const stored = await store.put(key, binaryBytes(), meta);
    const head = await s3.send(new HeadObjectCommand({ Bucket: server.bucket, Key: key }));
    expect(head.Metadata).toEqual({ sha256: stored.sha256, 'retention-class': 'contract-10y' });
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ContentLength).toBe(600);
  });

  it('when an object is put, then the server accepts its ChecksumSHA256 and the bytes read back are the same', async () => {
    const key = freshKey();
    const bytes = binaryBytes();
    // The put sends ChecksumSHA256 (x-amz-checksum-sha256) with the bytes: a server that refused it would fail the put.
    const stored = await store.put(key, bytes, meta);
    expect(stored.sha256).toBe(sha256Hex(bytes));
    expect(sha256Hex(await store.get(key))).toBe(sha256Hex(bytes));
  });

  if (!s3Only) return;

  it('when an object is put, then it is tagged with its retention class for the lifecycle rules', async () => {
    const key = freshKey();
    await store.put(key, binaryBytes(), { ...meta, retentionClass: 'audit-10y' });
    const tagging = await s3.send(new GetObjectTaggingCommand({ Bucket: server.bucket, Key: key }));
    expect(tagging.TagSet).toEqual([{ Key: 'retention-class', Value: 'audit-10y' }]);
  });

  it('when an upload does not match its ChecksumSHA256, then the server refuses it, and it keeps the checksum of one that does', async () => {
    const wrong = Buffer.from(sha256Hex(binaryBytes(601)), 'hex').toString('base64');
    const outcome = await s3
      .send(new PutObjectCommand({ Bucket: server.bucket, Key: freshKey(), Body: binaryBytes(), ChecksumSHA256: wrong }))
      .then(() => 'accepted' as const)
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(S3ServiceException);
    expect((outcome as S3ServiceException).$metadata.httpStatusCode).toBe(400);
    const key = freshKey();
    await store.put(key, binaryBytes(), meta);
    const head = await s3.send(new HeadObjectCommand({ Bucket: server.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(Buffer.from(sha256Hex(binaryBytes()), 'hex').toString('base64'));
  });

  it.for([
    { other: binaryBytes(601), outcome: 'ObjectConflictError' },
    { other: binaryBytes(), outcome: 'the stored object' },
  ])(
    'when another writer stores the key between our HEAD and our PUT, then If-None-Match: * refuses ours and we answer $outcome',
    async ({ other, outcome }) => {
      // Does the server refuse a PutObject with If-None-Match: * on an existing key (412)?
      const probe = freshKey();
      await s3.send(new PutObjectCommand({ Bucket: server.bucket, Key: probe, Body: binaryBytes(1) }));
      const second = await s3
        .send(new PutObjectCommand({ Bucket: server.bucket, Key: probe, Body: binaryBytes(2), IfNoneMatch: '*' }))
        .then(() => 'overwritten' as const)
        .catch((e: unknown) => e);
      expect((second as S3ServiceException).$metadata.httpStatusCode).toBe(412);

      // The race made deterministic: the store's client lets another writer store the key right
      // before the store's own PutObject goes out (after its HEAD found nothing). Two writers racing
      // freely cannot be tested here: S3Mock's check is not atomic (two concurrent conditional puts
      // of one key both succeed), AWS S3's is.
      const key = freshKey();
      const client = new S3Client({ region: server.region, endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials });
      let interleaved = false;
      client.middlewareStack.add(
        (next, handlerContext) => async (args) => {
          if (handlerContext.commandName === 'PutObjectCommand' && !interleaved) {
            interleaved = true;
            await store.put(key, other, meta);
          }
          return next(args);
        },
        { step: 'initialize' },
      );
      try {
        const racing = makeS3ObjectStore({ client, bucket: server.bucket });
        const result = await racing.put(key, binaryBytes(), meta).catch((e: unknown) => e);
        expect(interleaved).toBe(true);
        if (outcome === 'ObjectConflictError') expect(result).toBeInstanceOf(ObjectConflictError);
        else expect(result).toEqual(await store.head(key));
        expect(sha256Hex(await store.get(key))).toBe(sha256Hex(other));
      } finally {
        client.destroy();
      }
    },
  );
}
