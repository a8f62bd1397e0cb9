import { authConfigSchema } from '../../shared/auth';
import { databaseConfigSchema } from '../../shared/db';

/** What notify-messages reads from its environment: the database and the OIDC settings (a read API: no secret of its own). */
export const notifyMessagesConfigSchema = databaseConfigSchema.extend(authConfigSchema.shape);
