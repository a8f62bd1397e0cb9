import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { freePortRange } from './ports';

const ROOT = path.resolve(__dirname, '../..');
const S3MOCK_VERSION = '4.11.0';

export interface S3Server {
  /** `http://127.0.0.1:<port>`: path-style addressing (`<endpoint>/<bucket>/<key>`). */
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * Real S3-protocol servers for the S3 client's tests, on 127.0.0.1 with a temporary directory and
 * one bucket; the tests detect what each one lacks (never faked):
 *
 * - `s3rver` (npm, a Node implementation of the S3 REST API): in this process, starts in
 *   milliseconds, needs nothing but Node. It checks AWS Signature V4 and Content-MD5, but ignores
 *   `x-amz-tagging` on PutObject (tags only through PutObjectTagging), `If-None-Match` on PutObject
 *   (it overwrites) and `x-amz-checksum-sha256` (neither verified nor stored).
 * - `s3mock` (Adobe's S3Mock, Maven `com.adobe.testing:s3mock:<version>:jar:exec`, fetched once
 *   into .data/s3mock with `mvn dependency:copy`; Java 17): a child JVM, about 10 s to start.
 *   It applies tags on PutObject, verifies and stores ChecksumSHA256 and refuses an existing key
 *   to `If-None-Match: *` with 412 — but not atomically: two concurrent conditional puts of one key
 *   often both succeed (14 of 20 rounds when measured). It does not check signatures. Only where
 *   `java` and `mvn` are.
 */
export type S3ServerKind = 's3rver' | 's3mock';

export function startS3Server(kind: S3ServerKind, bucket = 'ahs-documents'): Promise<S3Server> {
  return kind === 's3rver' ? startS3rver(bucket) : startS3Mock(bucket);
}

/** `java` and `mvn` on the PATH: S3Mock can be fetched and run. */
export function canRunS3Mock(): boolean {
  return ['java', 'mvn'].every((tool) => {
    try {
      execFileSync(tool, ['-version'], { stdio: 'ignore', timeout: 30_000 });
      return true;
    } catch {
      return false;
    }
  });
}

async function startS3rver(bucket: string): Promise<S3Server> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    region: 'eu-west-1',
    // s3rver's one account; it checks signatures against it.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async close() {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

async function s3MockJar(): Promise<string> {
  const directory = path.join(ROOT, '.data', 's3mock');
  const jar = path.join(directory, `s3mock-${S3MOCK_VERSION}-exec.jar`);
  if (existsSync(jar)) return jar;
  const download = await fs.mkdtemp(path.join(os.tmpdir(), 's3mock-jar-'));
  execFileSync('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=com.adobe.testing:s3mock:${S3MOCK_VERSION}:jar:exec`, `-DoutputDirectory=${download}`], {
    stdio: 'pipe',
    timeout: 300_000,
  });
  await fs.mkdir(directory, { recursive: true });
  await fs.rename(path.join(download, path.basename(jar)), jar);
  await fs.rm(download, { recursive: true, force: true });
  return jar;
}

async function startS3Mock(bucket: string): Promise<S3Server> {
  const jar = await s3MockJar();
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 's3mock-'));
  const [httpPort, httpsPort] = await freePortRange(2).then((base) => [base, base + 1]);
  const logFile = path.join(directory, 's3mock.log');
  const log = createWriteStream(logFile);
  const child = spawn(
    'java',
    [
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-jar',
      jar,
      '--server.address=127.0.0.1',
      `--server.port=${httpsPort}`,
      `--com.adobe.testing.s3mock.httpPort=${httpPort}`,
      `--com.adobe.testing.s3mock.store.root=${path.join(directory, 'store')}`,
      `--com.adobe.testing.s3mock.store.initialBuckets=${bucket}`,
      '--com.adobe.testing.s3mock.store.retainFilesOnExit=false',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const endpoint = `http://127.0.0.1:${httpPort}`;
  const close = async () => {
    await stop(child);
    log.end();
    await fs.rm(directory, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(`${endpoint}/${bucket}`, child, 120_000);
  } catch (error) {
    const tail = (await fs.readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n');
    await close();
    throw new Error(`S3Mock did not start: ${(error as Error).message}\n${tail}`);
  }
  // S3Mock accepts any credentials; the SDK needs some to sign.
  return { endpoint, bucket, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, close };
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`java exited with ${child.exitCode}`);
    const answered = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
