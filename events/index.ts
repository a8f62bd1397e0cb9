import type { EventDefinition } from './define';
import { serviceOrderCreated, serviceOrderLinked, serviceOrderUpdated } from './orders/service-order';
import { salesOrderCreated, salesOrderUpdated } from './sales/order-events';

export { defineEvent, type EventData, type EventDefinition } from './define';
export * from './orders/service-order';
export * from './sales/order-events';
export * from './sales/pyxis';
export * from './sales/tempo';

/** Every event type of the system. Producers and consumers use these definitions only. */
export const catalog: readonly EventDefinition[] = [
  salesOrderCreated,
  salesOrderUpdated,
  serviceOrderCreated,
  serviceOrderUpdated,
  serviceOrderLinked,
];

export function eventByType(type: string): EventDefinition | undefined {
  return catalog.find((e) => e.type === type);
}

export function eventByTopic(topic: string): EventDefinition | undefined {
  return catalog.find((e) => e.topic === topic);
}
