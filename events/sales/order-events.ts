import { z } from 'zod';
import { defineEvent } from '../define';
import { pyxisOrderMessage } from './pyxis';
import { tempoSaleMessage } from './tempo';

/**
 * A sale as the sales systems publish it. Pyxis and Tempo share the topics but not the
 * shape; each message is validated with its own schema.
 */
export const salesOrderMessage = z.union([pyxisOrderMessage, tempoSaleMessage]);
export type SalesOrderMessage = z.infer<typeof salesOrderMessage>;

function saleKey(message: SalesOrderMessage): string {
  return 'header' in message ? message.order.orderNumber : message.sale.sale_ref;
}

export const salesOrderCreated = defineEvent({
  topic: 'sales.order.created',
  type: 'ahs.sales.order.created',
  description: 'A sale was recorded in Pyxis or Tempo.',
  data: salesOrderMessage,
  partitionKey: saleKey,
});

export const salesOrderUpdated = defineEvent({
  topic: 'sales.order.updated',
  type: 'ahs.sales.order.updated',
  description: 'A recorded sale changed in Pyxis or Tempo (new revision / version, or cancelled).',
  data: salesOrderMessage,
  partitionKey: saleKey,
});
