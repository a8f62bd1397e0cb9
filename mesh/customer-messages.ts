import pg from 'pg';
import type { RunningMesh } from './running-mesh';

export interface RequestedMessage {
  createdAt: Date;
  channel: string;
  templateId: string;
  locale: string;
  serviceOrderId: string;
  parameters: Record<string, string | number | boolean>;
}

/**
 * The messages the functions asked to send to customers (`notify.message.requested` in the
 * outbox), newest first, at most 50; of one service order when given. Read from the database of
 * the running mesh: its embedded one, or the DATABASE_URL it was started with (the same variable
 * must be set here).
 */
export async function customerMessages(mesh: RunningMesh, orderId?: string): Promise<RequestedMessage[]> {
  const url = mesh.embeddedDatabaseUrl ?? process.env.DATABASE_URL;
  if (!url) throw new Error(`the mesh on ${mesh.url} runs on its DATABASE_URL: set the same DATABASE_URL here`);
  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((error: unknown) => {
    throw new Error(`cannot reach the mesh's database (${error instanceof Error ? error.message : String(error)})`);
  });
  try {
    const { rows } = await client.query<{
      created_at: Date;
      data: { channel: string; templateId: string; locale: string; recipient: { serviceOrderId: string }; parameters: RequestedMessage['parameters'] };
    }>(
      `SELECT created_at, data FROM platform.outbox
        WHERE topic = 'notify.message.requested' AND ($1::text IS NULL OR partition_key = $1)
        ORDER BY id DESC LIMIT 50`,
      [orderId ?? null],
    );
    return rows.map(({ created_at, data }) => ({
      createdAt: created_at,
      channel: data.channel,
      templateId: data.templateId,
      locale: data.locale,
      serviceOrderId: data.recipient.serviceOrderId,
      parameters: data.parameters,
    }));
  } finally {
    await client.end();
  }
}
