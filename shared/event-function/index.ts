export { toEventAnswer } from './errors';
export { makeEventFunction, readDelivery, type EventFunctionOptions } from './event-function';
export { KAFKA_SOURCE_TYPE, on, resolveSubscription, type EventContext, type EventOutcome, type Subscription } from './subscription';
