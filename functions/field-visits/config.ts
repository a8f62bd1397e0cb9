import { z } from 'zod';

/** What field-visits reads from its environment beyond the database and OIDC settings. */
export const fieldConfigSchema = z.object({
  /** Base geofence radius around the customer's address, metres. */
  GEOFENCE_TOLERANCE_M: z.coerce.number().int().nonnegative().default(250),
  /** At most this much of the app's reported GPS accuracy is added to the tolerance, metres. */
  GEOFENCE_ACCURACY_CAP_M: z.coerce.number().int().nonnegative().default(100),
  /** A check-in within this many minutes of the slot's start is on time. */
  PUNCTUALITY_GRACE_MIN: z.coerce.number().int().nonnegative().default(15),
});
export type FieldConfig = z.infer<typeof fieldConfigSchema>;

export const defaultFieldConfig: FieldConfig = fieldConfigSchema.parse({});
