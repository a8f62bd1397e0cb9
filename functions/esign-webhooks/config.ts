import { z } from 'zod';

/**
 * What esign-webhooks reads beyond the database settings: the client ids of the Adobe Sign
 * applications whose webhooks it accepts (`ESIGN_WEBHOOK_CLIENT_IDS`, comma-separated; Adobe
 * sends the id in `X-AdobeSign-ClientId`). Unset or empty: every request is refused (401).
 */
export const webhookConfigSchema = z.object({
  ESIGN_WEBHOOK_CLIENT_IDS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
});
