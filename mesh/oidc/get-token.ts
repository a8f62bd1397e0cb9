/**
 * A dev access token for a seeded user, from the dev OpenID provider (or any issuer serving the
 * same clients). CLI: `npx tsx mesh/oidc/get-token.ts operator-es` prints the token alone on
 * stdout; OIDC_ISSUER and OIDC_AUDIENCE override the defaults below.
 */
import * as oidc from 'openid-client';
import { DEV_CLIENT_SECRET, DEV_USERS, isDevUserName } from './users';

export const DEV_OIDC_PORT = 9400;
export const DEV_OIDC_ISSUER = `http://127.0.0.1:${DEV_OIDC_PORT}`;
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

async function main(args: string[]): Promise<void> {
  const user = args[0];
  if (user === undefined || !isDevUserName(user)) {
    console.error(`usage: npx tsx mesh/oidc/get-token.ts <user>\nusers: ${Object.keys(DEV_USERS).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const issuer = process.env.OIDC_ISSUER || DEV_OIDC_ISSUER;
  const audience = process.env.OIDC_AUDIENCE || DEV_AUDIENCE;
  try {
    process.stdout.write((await getDevToken(issuer, user, audience)) + '\n');
  } catch (error) {
    const reason =
      error instanceof oidc.ResponseBodyError
        ? `${error.error}: ${error.error_description ?? error.message}`
        : error instanceof Error && error.cause instanceof Error
          ? `${error.message} (${error.cause.message})`
          : String(error);
    console.error(`could not get a token for ${user} from ${issuer}: ${reason}`);
    process.exitCode = 1;
  }
}

if (typeof require !== 'undefined' && require.main === module) {
  void main(process.argv.slice(2));
}
