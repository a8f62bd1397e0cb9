/**
 * Dev access tokens for the seeded users, from the dev OpenID provider (or any issuer serving the
 * same clients). CLI: `npm run token -- operator-es` prints the token alone on stdout, from the
 * issuer of the mesh running on MESH_PORT (mesh/running-mesh.ts); without one it exits 1, saying why.
 */
import * as oidc from 'openid-client';
import { findRunningMesh, runCli, type RunningMesh } from '../running-mesh';
import { DEV_CLIENT_SECRET, DEV_USERS, isDevUserName } from './users';

/** The audience (resource indicator) of the back end's access tokens in local runs. */
export const DEV_AUDIENCE = 'urn:ahs:field-service';

/** Client-credentials grant as `user` (client_id = user name) with `resource` = audience. */
export async function getDevToken(issuer: string, user: string, audience: string): Promise<string> {
  const url = new URL(issuer);
  const config = await oidc.discovery(url, user, undefined, oidc.ClientSecretBasic(DEV_CLIENT_SECRET), {
    execute: url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
  });
  const response = await oidc.clientCredentialsGrant(config, { resource: audience });
  return response.access_token;
}

/** Raised when no access token can be had: names the user, the issuer and why. */
export class NoTokenError extends Error {
  constructor(user: string, issuer: string, reason: string) {
    super(`could not get a token for ${user} from ${issuer}: ${reason}`);
    this.name = 'NoTokenError';
  }
}

/** A dev user's access token from the running mesh's OpenID provider, or NoTokenError. */
export async function meshToken(mesh: RunningMesh, user: string): Promise<string> {
  try {
    return await getDevToken(mesh.issuer, user, mesh.audience);
  } catch (error) {
    const reason =
      error instanceof oidc.ResponseBodyError
        ? `${error.error}: ${error.error_description ?? error.message}`
        : error instanceof Error && error.cause instanceof Error
          ? `${error.message} (${error.cause.message})`
          : String(error);
    throw new NoTokenError(user, mesh.issuer, reason);
  }
}

async function main(args: string[]): Promise<void> {
  const user = args[0];
  if (user === undefined || !isDevUserName(user)) {
    console.error(`usage: npm run -s token -- <user>\nusers: ${Object.keys(DEV_USERS).join(', ')}`);
    process.exit(2);
  }
  process.stdout.write((await meshToken(await findRunningMesh(), user)) + '\n');
}

if (typeof require !== 'undefined' && require.main === module) {
  runCli(() => main(process.argv.slice(2)));
}
