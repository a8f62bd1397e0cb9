import { z } from 'zod';
import { defineEvent } from '../define';
import { pyxisOrderMessage } from './pyxis';
import { tempoSaleMessage } from './tempo';

/**
 * A sale as the sales systems publish it. Pyxis and Tempo share the topics but not the
 * shape; each message is validated with its own schema. Every message carries the whole sale
 * and its revision (Pyxis `order.revision`, Tempo `sale.version`): created and updated travel on
 * two topics, so an update may arrive before its creation, and the highest revision wins.
 */
export const salesOrderMessage = z.union([pyxisOrderMessage, tempoSaleMessage]);
export type SalesOrderMessage = z.infer<typeof salesOrderMessage>;

function saleKey(message: SalesOrderMessage): string {
  return 'header' in message ? message.order.orderNumber : message.sale.sale_ref;
}

export const salesOrderCreated = defineEvent({
  topic: 'sales.order.created',
  type: 'ahs.sales.order.created',
  description: 'A sale was recorded in Pyxis or Tempo (the whole sale, at its revision 1).',
  data: salesOrderMessage,
  partitionKey: saleKey,
});

export const salesOrderUpdated = defineEvent({
  topic: 'sales.order.updated',
  type: 'ahs.sales.order.updated',
  description:
    "A recorded sale changed in Pyxis or Tempo (new revision / version, or cancelled): the whole sale at that revision. It may arrive before the sale's sales.order.created (another topic).",
  data: salesOrderMessage,
  partitionKey: saleKey,
});
