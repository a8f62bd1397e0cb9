import type { VaultClock } from './clock';
import { asInt, badRequest, envelope, notFound, type Json } from './http';

interface KvVersion {
  data: Json;
  createdAt: number;
}
interface KvSecret {
  versions: KvVersion[];
  createdAt: number;
  updatedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The KV secrets engine, version 2. Source: developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2
 * ("Read secret version", "Create/Update secret", "Read secret metadata").
 */
export class KvStore {
  /** mount → path → secret */
  private readonly mounts = new Map<string, Map<string, KvSecret>>();

  constructor(private readonly clock: VaultClock) {}

  hasMount(mount: string): boolean {
    return this.mounts.has(mount);
  }

  mount(mount: string): Map<string, KvSecret> {
    let secrets = this.mounts.get(mount);
    if (!secrets) this.mounts.set(mount, (secrets = new Map()));
    return secrets;
  }

  /** Writes a new version and returns its number (versions start at 1). */
  put(mount: string, path: string, data: Json): number {
    const secrets = this.mount(mount);
    const now = this.clock.now();
    let secret = secrets.get(path);
    if (!secret) secrets.set(path, (secret = { versions: [], createdAt: now, updatedAt: now }));
    secret.versions.push({ data: { ...data }, createdAt: now });
    secret.updatedAt = now;
    return secret.versions.length;
  }

  currentVersion(mount: string, path: string): number | undefined {
    return this.mounts.get(mount)?.get(path)?.versions.length;
  }

  /**
   * GET /v1/:mount/data/:path?version=N — `data.data` and `data.metadata` {created_time,
   * custom_metadata, deletion_time, destroyed, version}; `version=0` or none means the latest.
   * A path or version that does not exist answers 404 with an empty `errors` array.
   */
  read(mount: string, path: string, query: URLSearchParams): Json {
    const secret = this.mounts.get(mount)?.get(path);
    if (!secret) throw notFound();
    const asked = asInt(query.get('version') ?? undefined) ?? 0;
    const number = asked === 0 ? secret.versions.length : asked;
    const version = secret.versions[number - 1];
    if (!version) throw notFound();
    return envelope({ data: { data: version.data, metadata: this.versionMetadata(version, number) } });
  }

  /**
   * POST/PUT /v1/:mount/data/:path {data, options: {cas}} — writes a new version and answers its
   * metadata. With `options.cas` the write succeeds only when cas equals the current version
   * (0 = only if the secret does not exist yet).
   */
  write(mount: string, path: string, body: Json): Json {
    if (body.data === null || typeof body.data !== 'object' || Array.isArray(body.data)) throw badRequest('no data provided');
    const options = (body.options ?? {}) as Json;
    const cas = asInt(options.cas);
    if (cas !== undefined && cas !== (this.currentVersion(mount, path) ?? 0)) {
      throw badRequest('check-and-set parameter did not match the current version');
    }
    const number = this.put(mount, path, body.data as Json);
    const version = this.mounts.get(mount)!.get(path)!.versions[number - 1]!;
    return envelope({ data: this.versionMetadata(version, number) });
  }

  /**
   * GET /v1/:mount/metadata/:path — `current_version`, `oldest_version`, `created_time`,
   * `updated_time` and `versions` keyed by version number ({created_time, deletion_time, destroyed}).
   */
  metadata(mount: string, path: string): Json {
    const secret = this.mounts.get(mount)?.get(path);
    if (!secret) throw notFound();
    const versions: Record<string, Json> = {};
    secret.versions.forEach((v, i) => (versions[String(i + 1)] = { created_time: iso(v.createdAt), deletion_time: '', destroyed: false }));
    return envelope({
      data: {
        cas_required: false,
        created_time: iso(secret.createdAt),
        current_version: secret.versions.length,
        custom_metadata: null,
        delete_version_after: '0s',
        max_versions: 0,
        oldest_version: 0,
        updated_time: iso(secret.updatedAt),
        versions,
      },
    });
  }

  private versionMetadata(version: KvVersion, number: number): Json {
    return { created_time: iso(version.createdAt), custom_metadata: null, deletion_time: '', destroyed: false, version: number };
  }
}
