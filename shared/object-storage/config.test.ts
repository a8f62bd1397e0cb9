import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config';
import { objectStoreConfigSchema, objectStoreSettings } from './config';
import { objectStoreFromConfig } from './index';

const settingsOf = (env: NodeJS.ProcessEnv) => objectStoreSettings(parseConfig(objectStoreConfigSchema, env));

describe('object store configuration', () => {
  it('when nothing is set, then the local directory .data/objects', () => {
    expect(settingsOf({})).toEqual({ kind: 'local', root: '.data/objects' });
  });

  it('when OBJECT_STORE_DIR is set, then that directory', () => {
    expect(settingsOf({ OBJECT_STORE_DIR: '/var/lib/objects' })).toEqual({ kind: 'local', root: '/var/lib/objects' });
  });

  it('when a bucket is set, then S3 in eu-west-1 with virtual-hosted addressing unless told', () => {
    expect(settingsOf({ OBJECT_STORE_BUCKET: 'ahs-contracts' })).toEqual({
      kind: 's3',
      bucket: 'ahs-contracts',
      region: 'eu-west-1',
      endpoint: undefined,
      forcePathStyle: false,
    });
  });

  it('when a bucket, endpoint, region and path style are set, then all are used', () => {
    const env = {
      OBJECT_STORE_BUCKET: 'docs',
      OBJECT_STORE_ENDPOINT: 'http://127.0.0.1:4568',
      OBJECT_STORE_REGION: 'us-east-1',
      OBJECT_STORE_FORCE_PATH_STYLE: 'true',
    };
    expect(settingsOf(env)).toEqual({ kind: 's3', bucket: 'docs', region: 'us-east-1', endpoint: 'http://127.0.0.1:4568', forcePathStyle: true });
  });

  it('when the endpoint is not a URL or the path style not a boolean, then ConfigError names each variable', () => {
    const error = (() => {
      try {
        settingsOf({ OBJECT_STORE_BUCKET: 'docs', OBJECT_STORE_ENDPOINT: 'minio:9000', OBJECT_STORE_FORCE_PATH_STYLE: 'yes' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(/OBJECT_STORE_ENDPOINT is invalid[\s\S]*OBJECT_STORE_FORCE_PATH_STYLE is invalid/);
  });

  it('when both a bucket and a directory are set, then ConfigError', () => {
    expect(() => settingsOf({ OBJECT_STORE_BUCKET: 'docs', OBJECT_STORE_DIR: '/tmp/x' })).toThrow(/OBJECT_STORE_DIR is invalid.*not both/);
  });

  it('when built from the environment, then a store answers, local or S3, without calling anything', async () => {
    const local = objectStoreFromConfig({ OBJECT_STORE_DIR: '/nonexistent/object-store' });
    expect(await local.head('nothing/here.pdf')).toBeUndefined();
    const s3 = objectStoreFromConfig({ OBJECT_STORE_BUCKET: 'docs' });
    expect(typeof s3.put).toBe('function');
  });
});
