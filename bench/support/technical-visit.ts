import type { EmbeddedEngine } from '../../mesh/engine/engine';

/** The variables tv-start gives a Madrid order's technical visit (bpmn/technical-visit.bpmn). */
export const tvVariables = (orderId: string) => ({
  orderId,
  country: 'ES',
  businessUnit: 'ES-CENTRO',
  store: 'ES-MAD-0042',
  slaDuration: 'P5D',
  answerDeadline: 'P7D',
});

/** What workflow-messages publishes when tv-start asks for an order's technical visit. */
export const requestTv = (engine: EmbeddedEngine, orderId: string) =>
  engine.publishMessage({
    name: 'tv-requested',
    correlationKey: orderId,
    timeToLiveMs: 3_600_000,
    messageId: `tv-requested:${orderId}`,
    variables: tvVariables(orderId),
  });

/** What workflow-messages publishes when the technician records the visit's outcome. */
export const recordOutcome = (engine: EmbeddedEngine, orderId: string, outcome: 'YES' | 'NO' = 'YES') =>
  engine.publishMessage({ name: 'tv-outcome-recorded', correlationKey: orderId, timeToLiveMs: 3_600_000, variables: { outcome } });
