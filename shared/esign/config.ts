import { z } from 'zod';
import { env } from '../config';

/**
 * How a function reaches Adobe Acrobat Sign, read once with `parseConfig`. The credentials have
 * no defaults and are never logged: the adapter holds them and puts them only in OAuth requests.
 */
export const adobeSignConfigSchema = z.object({
  ADOBE_SIGN_CLIENT_ID: z.string().min(1),
  ADOBE_SIGN_CLIENT_SECRET: z.string().min(1),
  /** The OAuth refresh token of the account's API user (the authorization-code grant, done once). */
  ADOBE_SIGN_REFRESH_TOKEN: z.string().min(1),
  /** Any API host of the account's shard, e.g. `https://api.eu1.adobesign.com`; `baseUris` says the rest. */
  ADOBE_SIGN_API_HOST: env.url(),
  /** Where `/oauth/v2/refresh` is; the API host unless told. */
  ADOBE_SIGN_OAUTH_HOST: env.url().optional(),
  /** Per request, ms: no answer in time is retryable. */
  ADOBE_SIGN_TIMEOUT_MS: env.int(15_000),
});
export type AdobeSignConfig = z.infer<typeof adobeSignConfigSchema>;
