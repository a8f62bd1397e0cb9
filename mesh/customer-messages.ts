import { isTemplateId } from '../shared/notify/catalog';
import { templateValues } from '../shared/notify/parameters';
import { renderTemplate, type Channel, type Locale, type RenderedMessage } from '../shared/notify/render';
import { withMeshDatabase, type RunningMesh } from './running-mesh';

export interface RequestedMessage {
  createdAt: Date;
  channel: string;
  templateId: string;
  locale: string;
  serviceOrderId: string;
  parameters: Record<string, string | number | boolean>;
  /** The message as the current template renders it, or why it cannot be (the sender would dead-letter it). */
  rendered: RenderedMessage | { error: string };
}

/**
 * The messages the functions asked to send to customers (`notify.message.requested` in the
 * outbox), newest first, at most 50; of one service order when given. Read from the database of
 * the running mesh: its embedded one, or the DATABASE_URL it was started with (the same variable
 * must be set here).
 */
export async function customerMessages(mesh: RunningMesh, orderId?: string): Promise<RequestedMessage[]> {
  return withMeshDatabase(mesh, async (client) => {
    const { rows } = await client.query<{
      created_at: Date;
      time_zone: string | null;
      data: { channel: Channel; templateId: string; locale: Locale; recipient: { serviceOrderId: string }; parameters: RequestedMessage['parameters'] };
    }>(
      `SELECT x.created_at, x.data, c.timezone AS time_zone FROM platform.outbox x
         LEFT JOIN orders.service_orders o ON o.id::text = x.partition_key
         LEFT JOIN org.countries c ON c.code = o.country_code
        WHERE x.topic = 'notify.message.requested' AND ($1::text IS NULL OR x.partition_key = $1)
        ORDER BY x.id DESC LIMIT 50`,
      [orderId ?? null],
    );
    const { rows: templates } = await client.query<{
      template_id: string;
      channel: Channel;
      locale: Locale;
      subject: string | null;
      body_text: string;
      body_html: string | null;
    }>(`SELECT template_id, channel, locale, subject, body_text, body_html FROM notify.current_templates`);
    const render = (data: (typeof rows)[number]['data'], timeZone: string | null): RequestedMessage['rendered'] => {
      const t = templates.find((x) => x.template_id === data.templateId && x.channel === data.channel && x.locale === data.locale);
      if (!t || !isTemplateId(data.templateId)) return { error: `no ${data.channel} template ${data.templateId} in ${data.locale}` };
      try {
        return renderTemplate(
          { templateId: t.template_id, channel: t.channel, locale: t.locale, subject: t.subject, bodyText: t.body_text, bodyHtml: t.body_html },
          templateValues(data.templateId, data.parameters),
          timeZone ? { timeZone } : {},
        );
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    return rows.map(({ created_at, data, time_zone }) => ({
      createdAt: created_at,
      channel: data.channel,
      templateId: data.templateId,
      locale: data.locale,
      serviceOrderId: data.recipient.serviceOrderId,
      parameters: data.parameters,
      rendered: render(data, time_zone),
    }));
  });
}
