export { makeOutbox, type Outbox, type OutboxOptions } from './outbox';
export type { EventPublisher, OutgoingEvent } from './publisher';
export { makeOutboxRelay, type OutboxRelay } from './relay';
export { startRelayLoop, type RelayLoop } from './relay-loop';
export { pruneDelivered, type RetentionPolicy } from './retention';
