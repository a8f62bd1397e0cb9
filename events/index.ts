import type { EventDefinition } from './define';
import { claimDecided } from './claims/claim';
import { agreementDeclined, agreementExpired, agreementSigned } from './contracts/agreement';
import { contractClosed, contractSigned } from './contracts/contract';
import { esignNotificationReceived } from './contracts/esign-notification';
import { assignmentCancelled, assignmentCompleted, assignmentConfirmed } from './dispatch/assignment';
import { offerAccepted, offerCreated, offerDeclined, offerExpired, offerWithdrawn } from './dispatch/offer';
import { fieldAppointmentBooked } from './field/appointment';
import { fieldVisitCheckedIn, fieldVisitCheckedOut, fieldWorkCompleted } from './field/visit';
import { notifyMessageRequested } from './notify/message';
import { notifyPartnerMessageRequested } from './notify/partner-message';
import { notifyScheduledMessageCancelled } from './notify/scheduled-cancelled';
import { installationCancelled, installationUnblocked, refundRequested } from './orders/installation';
import { serviceOrderClosed, serviceOrderCreated, serviceOrderLinked, serviceOrderUpdated } from './orders/service-order';
import { workflowMessageRequested } from './platform/workflow-message';
import { salesOrderCreated, salesOrderUpdated } from './sales/order-events';
import { tvVisitCompleted, tvVisitScheduled } from './tv/visit';

export { defineEvent, type EventData, type EventDefinition } from './define';
export * from './claims/claim';
export * from './contracts/agreement';
export * from './contracts/contract';
export * from './contracts/esign-notification';
export * from './dispatch/assignment';
export * from './dispatch/offer';
export * from './field/appointment';
export * from './field/visit';
export * from './notify/message';
export * from './notify/partner-message';
export * from './notify/scheduled-cancelled';
export * from './orders/installation';
export * from './orders/service-order';
export * from './platform/workflow-message';
export * from './sales/order-events';
export * from './sales/pyxis';
export * from './sales/tempo';
export * from './tv/visit';

/** Every event type of the system. Producers and consumers use these definitions only. */
export const catalog: readonly EventDefinition[] = [
  salesOrderCreated,
  salesOrderUpdated,
  serviceOrderCreated,
  serviceOrderUpdated,
  serviceOrderLinked,
  tvVisitScheduled,
  tvVisitCompleted,
  installationUnblocked,
  installationCancelled,
  refundRequested,
  notifyMessageRequested,
  notifyPartnerMessageRequested,
  notifyScheduledMessageCancelled,
  workflowMessageRequested,
  offerCreated,
  offerAccepted,
  offerDeclined,
  offerExpired,
  offerWithdrawn,
  assignmentConfirmed,
  assignmentCancelled,
  assignmentCompleted,
  fieldAppointmentBooked,
  fieldVisitCheckedIn,
  fieldVisitCheckedOut,
  fieldWorkCompleted,
  serviceOrderClosed,
  esignNotificationReceived,
  agreementSigned,
  agreementDeclined,
  agreementExpired,
  contractSigned,
  contractClosed,
  claimDecided,
];

export function eventByType(type: string): EventDefinition | undefined {
  return catalog.find((e) => e.type === type);
}

export function eventByTopic(topic: string): EventDefinition | undefined {
  return catalog.find((e) => e.topic === topic);
}
