// The generator of bpmn/claim.bpmn (process `claim`, Camunda 8.8): change the model here, then
//
//   node scripts/bpmn/claim-model.mjs [out.bpmn]      (no dependency; default out: bpmn/claim.bpmn)
//
// and run `npx vitest run bpmn/` (lint, contract, deploy).
//
// Builds the semantic XML from the tables below (incoming/outgoing derived from the flows, ids
// kebab-case, flows `flow-<from>-to-<to>`), then the BPMN DI on a hand-made grid with orthogonal
// flows, checking that no two shapes overlap and counting where flows cross.
// The model is flat: the embedded engine (mesh/engine/model.ts) runs no sub-process, so the
// decision SLA is a non-interrupting timer on each activity it bounds.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUT = process.argv[2] ?? fileURLToPath(import.meta.resolve('../../bpmn/claim.bpmn'));

const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
const text = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const GROUPS_STORE = '=["operators", "country:" + country, "bu:" + businessUnit, "store:" + store]';
const GROUPS_BU = '=["operators", "country:" + country, "bu:" + businessUnit]';
const GROUPS_COUNTRY = '=["operators", "country:" + country]';

const PROCESS_DOC =
  "A customer's claim on work done (warranty or not), recorded by an operator or opened by the customer from their link. The claim is registered and its entitlement computed (in warranty, or out of warranty: goodwill or billable), with the country's time to acknowledge it. An operator of the store acknowledges it: investigate (out of warranty: goodwill or billable) or reject it at once; a missing acknowledgement is recorded as a breach and chased with the business unit (the first time it passes). To investigate, an expert is dispatched; once the expert's findings are in, an operator decides: repair (an order at no charge), refund (an amount) or reject, within the country's time to decide, which bounds the wait for the findings, the decision and its approvals (a breach is recorded and chased with the business unit the first time it passes). A refund above the operator's limit is approved by the BU manager, above theirs by the country director; a refusal goes back to the decision. Then the repair is ordered, the customer refunded, or the claim rejected with its reason.";

// id -> element. kind: start | service | user | receive | exclusive | end | boundary
const elements = [
  { id: 'claim-opened', kind: 'start', name: 'Claim opened', message: 'message-claim-opened' },
  {
    id: 'register-claim',
    kind: 'service',
    name: 'Register the claim and compute the entitlement',
    type: 'claim-register',
    doc: "Matches the claim against the order's warranties: covered (handled under that warranty) or out of warranty (goodwill or billable, decided at acknowledgement). Tells the customer the claim was received and sets acknowledgeBy, the country's time to acknowledge.",
  },
  { id: 'acknowledge-merge', kind: 'exclusive', name: 'To acknowledge' },
  {
    id: 'acknowledge-claim',
    kind: 'user',
    name: 'Acknowledge the claim',
    groups: GROUPS_STORE,
    priority: 50,
    doc: 'An operator of the store reads the claim and its entitlement, and completes the task with decision (investigate | reject), handling (goodwill | billable, required to investigate a claim out of warranty) and note (the reason the customer receives, required to reject).',
  },
  {
    id: 'acknowledgement-overdue',
    kind: 'boundary',
    name: 'Acknowledgement overdue',
    attachedTo: 'acknowledge-claim',
    interrupting: false,
    timeDate: '=acknowledgeBy',
  },
  {
    id: 'record-acknowledgement-breach',
    kind: 'service',
    name: 'Record the acknowledgement breach',
    type: 'claim-record-breach',
    inputs: [['="acknowledge"', 'sla']],
  },
  {
    id: 'acknowledgement-first-breach',
    kind: 'exclusive',
    name: 'First time passed?',
    doc: 'claim-record-breach answers firstBreach: acknowledge-claim is entered again after CLAIM_HANDLING_MISSING and its timer armed again, already past acknowledgeBy; the business unit chases the claim the first time only.',
  },
  {
    id: 'chase-claim-acknowledgement',
    kind: 'user',
    name: 'Chase the acknowledgement (business unit)',
    groups: GROUPS_BU,
    priority: 70,
    doc: "The claim was not acknowledged within the country's time (the breach is recorded). The business unit chases the store and completes the task with a note; the acknowledgement itself stays open.",
  },
  { id: 'acknowledgement-chased', kind: 'end', name: 'Acknowledgement chased' },
  { id: 'acknowledgement-already-chased', kind: 'end', name: 'Already chased' },
  {
    id: 'acknowledge',
    kind: 'service',
    name: 'Record the acknowledgement',
    type: 'claim-acknowledge',
    doc: "Records the acknowledgement and sets decideBy, the country's time to decide (the customer is told the date when the claim is investigated). A claim out of warranty to investigate without goodwill or billable raises CLAIM_HANDLING_MISSING: back to the operator, nothing changed.",
  },
  { id: 'acknowledge-handling-missing', kind: 'boundary', name: 'Handling missing', attachedTo: 'acknowledge', error: 'error-claim-handling-missing' },
  { id: 'investigate-decision', kind: 'exclusive', name: 'Investigate?' },
  {
    id: 'dispatch-expert',
    kind: 'service',
    name: 'Dispatch an expert',
    type: 'claim-dispatch-expert',
    doc: "The expert's visit: a claim-visit order dispatched through the funnel, under the country's policy on the provider of the claimed work (expertOrderId).",
  },
  {
    id: 'await-findings',
    kind: 'receive',
    name: "Await the expert's findings",
    message: 'message-claim-findings-recorded',
    doc: 'The expert visits and records the findings and recommendation (message claim-findings-recorded, correlated by claimId). Bounded by decideBy, as the decision and its approvals: past it, a breach is recorded and chased while the claim stays open.',
  },
  { id: 'findings-overdue', kind: 'boundary', name: 'Decision overdue', attachedTo: 'await-findings', interrupting: false, timeDate: '=decideBy' },
  { id: 'decide-merge', kind: 'exclusive', name: 'To decide' },
  {
    id: 'decide-claim',
    kind: 'user',
    name: 'Decide the claim',
    groups: GROUPS_STORE,
    priority: 60,
    doc: "An operator reads the expert's findings and recommendation (and any refused approval's comment) and completes the task with decision (repair | refund | reject), refundAmountMinor (required for a refund, in minor units) and note (the reason the customer receives, required to reject).",
  },
  { id: 'decision-overdue', kind: 'boundary', name: 'Decision overdue', attachedTo: 'decide-claim', interrupting: false, timeDate: '=decideBy' },
  {
    id: 'record-decision',
    kind: 'service',
    name: 'Record the decision and the approval it needs',
    type: 'claim-record-decision',
    doc: "Records the decision and sets approvalLevel (none | bu-manager | country-director) from the refund and the country's limits (currency, operatorRefundLimitMinor, buManagerRefundLimitMinor).",
  },
  { id: 'approval-needed', kind: 'exclusive', name: 'Approval needed?' },
  {
    id: 'approve-refund-bu',
    kind: 'user',
    name: 'Approve the refund (BU manager)',
    groups: GROUPS_BU,
    priority: 80,
    doc: "A refund above the operator's limit. A BU manager completes the task with approved (true | false) and comment (required to refuse; the refusal goes back to the decision). Only a role whose limit covers the refund may complete it.",
  },
  { id: 'bu-approval-overdue', kind: 'boundary', name: 'Decision overdue', attachedTo: 'approve-refund-bu', interrupting: false, timeDate: '=decideBy' },
  { id: 'country-approval-merge', kind: 'exclusive', name: 'To the country director' },
  {
    id: 'approve-refund-country',
    kind: 'user',
    name: 'Approve the refund (country director)',
    groups: GROUPS_COUNTRY,
    priority: 80,
    doc: "A refund above the BU manager's limit. The country director completes the task with approved (true | false) and comment (required to refuse; the refusal goes back to the decision).",
  },
  {
    id: 'country-approval-overdue',
    kind: 'boundary',
    name: 'Decision overdue',
    attachedTo: 'approve-refund-country',
    interrupting: false,
    timeDate: '=decideBy',
  },
  { id: 'approval-merge', kind: 'exclusive', name: 'Approval given' },
  {
    id: 'record-approval',
    kind: 'service',
    name: 'Record the approval',
    type: 'claim-record-approval',
    doc: "Records the approver's answer at the level the instance waits for and sets approvalLevel: the next level of the chain (country-director), none when it was the last, or refused (back to the decision with the comment).",
  },
  { id: 'approved', kind: 'exclusive', name: 'Approved?' },
  { id: 'decision-made', kind: 'exclusive', name: 'Decision made' },
  { id: 'decision-overdue-merge', kind: 'exclusive', name: 'Decision overdue' },
  { id: 'record-decision-breach', kind: 'service', name: 'Record the decision breach', type: 'claim-record-breach', inputs: [['="decide"', 'sla']] },
  {
    id: 'decision-first-breach',
    kind: 'exclusive',
    name: 'First time passed?',
    doc: 'claim-record-breach answers firstBreach: the timer is armed on each activity decideBy bounds, and again when the decision or an approval is entered again (a refusal, the country director after the BU manager); the business unit chases the claim the first time only.',
  },
  {
    id: 'chase-claim-decision',
    kind: 'user',
    name: 'Chase the decision (business unit)',
    groups: GROUPS_BU,
    priority: 70,
    doc: "The claim was not decided within the country's time (the breach is recorded). The business unit chases the investigation or the decision and completes the task with a note; the investigation stays open.",
  },
  { id: 'decision-chased', kind: 'end', name: 'Decision chased' },
  { id: 'decision-already-chased', kind: 'end', name: 'Already chased' },
  { id: 'decision-outcome', kind: 'exclusive', name: 'Decision?' },
  {
    id: 'order-repair',
    kind: 'service',
    name: 'Order the repair at no charge',
    type: 'claim-order-repair',
    doc: 'A repair order at no charge linked to the claimed order, dispatched through the funnel; the claim is closed as repair-ordered.',
  },
  { id: 'repair-ordered', kind: 'end', name: 'Repair ordered' },
  {
    id: 'refund',
    kind: 'service',
    name: 'Refund the customer',
    type: 'claim-refund',
    doc: "Every level of the refund's chain approved it: the claim is refunded and closed; finance and the customer are told.",
  },
  { id: 'refunded', kind: 'end', name: 'Refunded' },
  { id: 'reject-merge', kind: 'exclusive', name: 'To reject' },
  {
    id: 'reject-claim',
    kind: 'service',
    name: 'Reject the claim and tell the customer why',
    type: 'claim-reject',
    doc: 'Closes the claim as rejected with the reason the customer receives (the note on acknowledge-claim or decide-claim).',
  },
  { id: 'rejected', kind: 'end', name: 'Rejected' },
];

// [from, to, name?, condition?]
const flows = [
  ['claim-opened', 'register-claim'],
  ['register-claim', 'acknowledge-merge'],
  ['acknowledge-merge', 'acknowledge-claim'],
  ['acknowledgement-overdue', 'record-acknowledgement-breach'],
  ['record-acknowledgement-breach', 'acknowledgement-first-breach'],
  ['acknowledgement-first-breach', 'chase-claim-acknowledgement', 'yes', '=firstBreach = true'],
  ['acknowledgement-first-breach', 'acknowledgement-already-chased', 'no', '=firstBreach = false'],
  ['chase-claim-acknowledgement', 'acknowledgement-chased'],
  ['acknowledge-claim', 'acknowledge'],
  ['acknowledge-handling-missing', 'acknowledge-merge'],
  ['acknowledge', 'investigate-decision'],
  ['investigate-decision', 'dispatch-expert', 'investigate', '=decision = "investigate"'],
  ['investigate-decision', 'reject-merge', 'reject', '=decision = "reject"'],
  ['dispatch-expert', 'await-findings'],
  ['await-findings', 'decide-merge'],
  ['decide-merge', 'decide-claim'],
  ['decide-claim', 'record-decision'],
  ['record-decision', 'approval-needed'],
  ['approval-needed', 'decision-made', 'none', '=approvalLevel = "none"'],
  ['approval-needed', 'approve-refund-bu', 'BU manager', '=approvalLevel = "bu-manager"'],
  ['approval-needed', 'country-approval-merge', 'country director', '=approvalLevel = "country-director"'],
  ['country-approval-merge', 'approve-refund-country'],
  ['approve-refund-bu', 'approval-merge'],
  ['approve-refund-country', 'approval-merge'],
  ['approval-merge', 'record-approval'],
  ['record-approval', 'approved'],
  ['approved', 'decide-merge', 'refused', '=approvalLevel = "refused"'],
  ['approved', 'country-approval-merge', 'country director', '=approvalLevel = "country-director"'],
  ['approved', 'decision-made', 'approved', '=approvalLevel = "none"'],
  ['findings-overdue', 'decision-overdue-merge'],
  ['decision-overdue', 'decision-overdue-merge'],
  ['bu-approval-overdue', 'decision-overdue-merge'],
  ['country-approval-overdue', 'decision-overdue-merge'],
  ['decision-overdue-merge', 'record-decision-breach'],
  ['record-decision-breach', 'decision-first-breach'],
  ['decision-first-breach', 'chase-claim-decision', 'yes', '=firstBreach = true'],
  ['decision-first-breach', 'decision-already-chased', 'no', '=firstBreach = false'],
  ['chase-claim-decision', 'decision-chased'],
  ['decision-made', 'decision-outcome'],
  ['decision-outcome', 'order-repair', 'repair', '=decision = "repair"'],
  ['decision-outcome', 'refund', 'refund', '=decision = "refund"'],
  ['decision-outcome', 'reject-merge', 'reject', '=decision = "reject"'],
  ['order-repair', 'repair-ordered'],
  ['refund', 'refunded'],
  ['reject-merge', 'reject-claim'],
  ['reject-claim', 'rejected'],
];

const flowId = ([from, to]) => `flow-${from}-to-${to}`;
const allFlows = flows;
{
  const ids = new Set(allFlows.map(flowId));
  if (ids.size !== allFlows.length) throw new Error('duplicate flow id');
  const known = new Set(elements.map((e) => e.id));
  for (const [from, to] of allFlows) if (!known.has(from) || !known.has(to)) throw new Error(`unknown element in ${from} -> ${to}`);
}
const incoming = (id) => allFlows.filter(([, to]) => to === id).map(flowId);
const outgoing = (id) => allFlows.filter(([from]) => from === id).map(flowId);

function io(el, pad) {
  return [
    ...incoming(el.id).map((f) => `${pad}<bpmn:incoming>${f}</bpmn:incoming>`),
    ...outgoing(el.id).map((f) => `${pad}<bpmn:outgoing>${f}</bpmn:outgoing>`),
  ];
}

function renderElement(el, depth) {
  const p = '  '.repeat(depth);
  const q = `${p}  `;
  const lines = [];
  const doc = el.doc ? [`${q}<bpmn:documentation>${text(el.doc)}</bpmn:documentation>`] : [];
  switch (el.kind) {
    case 'start':
      lines.push(`${p}<bpmn:startEvent id="${el.id}" name="${attr(el.name)}">`, ...doc, ...io(el, q));
      if (el.message) lines.push(`${q}<bpmn:messageEventDefinition id="${el.id}-message" messageRef="${el.message}" />`);
      lines.push(`${p}</bpmn:startEvent>`);
      break;
    case 'end':
      lines.push(`${p}<bpmn:endEvent id="${el.id}" name="${attr(el.name)}">`, ...doc, ...io(el, q), `${p}</bpmn:endEvent>`);
      break;
    case 'exclusive':
      lines.push(`${p}<bpmn:exclusiveGateway id="${el.id}" name="${attr(el.name)}">`, ...doc, ...io(el, q), `${p}</bpmn:exclusiveGateway>`);
      break;
    case 'service': {
      lines.push(`${p}<bpmn:serviceTask id="${el.id}" name="${attr(el.name)}">`, ...doc, `${q}<bpmn:extensionElements>`);
      lines.push(`${q}  <zeebe:taskDefinition type="${el.type}" retries="5" />`);
      if (el.inputs) {
        lines.push(`${q}  <zeebe:ioMapping>`);
        for (const [source, target] of el.inputs) lines.push(`${q}    <zeebe:input source="${attr(source)}" target="${target}" />`);
        lines.push(`${q}  </zeebe:ioMapping>`);
      }
      lines.push(`${q}</bpmn:extensionElements>`, ...io(el, q), `${p}</bpmn:serviceTask>`);
      break;
    }
    case 'user':
      lines.push(
        `${p}<bpmn:userTask id="${el.id}" name="${attr(el.name)}">`,
        ...doc,
        `${q}<bpmn:extensionElements>`,
        `${q}  <zeebe:userTask />`,
        `${q}  <zeebe:formDefinition externalReference="control-tower:tasks/${el.id}" />`,
        `${q}  <zeebe:assignmentDefinition candidateGroups="${attr(el.groups)}" />`,
        `${q}  <zeebe:priorityDefinition priority="${el.priority}" />`,
        `${q}</bpmn:extensionElements>`,
        ...io(el, q),
        `${p}</bpmn:userTask>`,
      );
      break;
    case 'boundary': {
      const cancel = el.interrupting === false ? ' cancelActivity="false"' : '';
      lines.push(`${p}<bpmn:boundaryEvent id="${el.id}" name="${attr(el.name)}"${cancel} attachedToRef="${el.attachedTo}">`, ...doc, ...io(el, q));
      if (el.timeDate) {
        lines.push(
          `${q}<bpmn:timerEventDefinition id="${el.id}-timer">`,
          `${q}  <bpmn:timeDate xsi:type="bpmn:tFormalExpression">${text(el.timeDate)}</bpmn:timeDate>`,
          `${q}</bpmn:timerEventDefinition>`,
        );
      }
      if (el.error) lines.push(`${q}<bpmn:errorEventDefinition id="${el.id}-error" errorRef="${el.error}" />`);
      lines.push(`${p}</bpmn:boundaryEvent>`);
      break;
    }
    case 'receive':
      lines.push(`${p}<bpmn:receiveTask id="${el.id}" name="${attr(el.name)}" messageRef="${el.message}">`, ...doc, ...io(el, q), `${p}</bpmn:receiveTask>`);
      break;
    default:
      throw new Error(`unknown kind ${el.kind}`);
  }
  return lines;
}

function renderFlow(f, depth) {
  const p = '  '.repeat(depth);
  const [from, to, name, condition] = f;
  const nameAttr = name ? ` name="${attr(name)}"` : '';
  if (!condition) return [`${p}<bpmn:sequenceFlow id="${flowId(f)}"${nameAttr} sourceRef="${from}" targetRef="${to}" />`];
  return [
    `${p}<bpmn:sequenceFlow id="${flowId(f)}"${nameAttr} sourceRef="${from}" targetRef="${to}">`,
    `${p}  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${text(condition)}</bpmn:conditionExpression>`,
    `${p}</bpmn:sequenceFlow>`,
  ];
}

const head = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="claim-definitions" targetNamespace="https://ahs-field-service/bpmn" exporter="AHS Field Service" exporterVersion="1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">',
  '  <bpmn:message id="message-claim-opened" name="claim-opened" />',
  '  <bpmn:message id="message-claim-findings-recorded" name="claim-findings-recorded">',
  '    <bpmn:extensionElements>',
  '      <zeebe:subscription correlationKey="=claimId" />',
  '    </bpmn:extensionElements>',
  '  </bpmn:message>',
  '  <bpmn:error id="error-claim-handling-missing" name="Handling missing" errorCode="CLAIM_HANDLING_MISSING" />',
  '  <bpmn:process id="claim" name="Claim and warranty investigation" isExecutable="true">',
  `    <bpmn:documentation>${text(PROCESS_DOC)}</bpmn:documentation>`,
];
const body = [...elements.flatMap((el) => renderElement(el, 2)), ...flows.flatMap((f) => renderFlow(f, 2))];
const semantic = [...head, ...body, '  </bpmn:process>'].join('\n');

// ---------------------------------------------------------------------------------------------
// Diagram: a hand-made grid. Shapes sit on columns 150 px apart; flows are orthogonal and drawn
// from the shapes' sides (gateways: their vertices, the decision-overdue merge also an edge).
const SIZE = { start: [36, 36], end: [36, 36], boundary: [36, 36], exclusive: [50, 50], service: [100, 80], user: [100, 80], receive: [100, 80] };
const kindOf = new Map(elements.map((e) => [e.id, e.kind]));
const bounds = new Map();
const place = (id, cx, cy) => {
  const [w, h] = SIZE[kindOf.get(id)];
  bounds.set(id, { x: cx - w / 2, y: cy - h / 2, w, h });
};

const CW = 150;
const cx = (c) => 100 + c * CW;
const Y0 = 230; // the main row
const row = (r) => Y0 + r * 150;

// Main row, up to the approvals.
[
  'claim-opened',
  'register-claim',
  'acknowledge-merge',
  'acknowledge-claim',
  'acknowledge',
  'investigate-decision',
  'dispatch-expert',
  'await-findings',
  'decide-merge',
  'decide-claim',
  'record-decision',
  'approval-needed',
].forEach((id, c) => place(id, cx(c), Y0));
// The acknowledgement breach, below acknowledge-claim: chased the first time only.
place('record-acknowledgement-breach', cx(4), row(1));
place('acknowledgement-first-breach', cx(5), row(1));
place('acknowledgement-already-chased', cx(6), row(1));
place('chase-claim-acknowledgement', cx(5), row(2));
place('acknowledgement-chased', cx(6), row(2));

// The approvals: the BU manager's on the row below, the country director's below it.
place('approve-refund-bu', cx(12), row(1));
place('approval-merge', cx(14), row(1));
place('record-approval', cx(15), row(1));
place('approved', cx(16), row(1));
place('country-approval-merge', cx(12) + 40, row(2));
place('approve-refund-country', cx(13) + 40, row(2));
const CH_A = row(2) + 65; // approved -> country-approval-merge
const CH_TOP = Y0 - 95; // approved -> decide-merge (refused), above the main row
place('decision-made', cx(17), Y0);

// The decision breach, below everything: the four timers meet in one merge.
const BR = row(2) + 150;
const XM = cx(9) + 40;
place('decision-overdue-merge', XM, BR);
place('record-decision-breach', XM, BR + 130);
place('decision-first-breach', XM + CW, BR + 130);
place('chase-claim-decision', XM + 2 * CW, BR + 130);
place('decision-chased', XM + 3 * CW, BR + 130);
place('decision-already-chased', XM + CW, BR + 240);

// After the decision: reject on the row above (shared with the early reject).
const CD = cx(18);
place('decision-outcome', CD, Y0);
place('reject-merge', CD, row(-1));
place('reject-claim', CD + CW, row(-1));
place('rejected', CD + 2 * CW, row(-1));
place('order-repair', CD + CW, Y0);
place('repair-ordered', CD + 2 * CW, Y0);
place('refund', CD + CW, row(1));
place('refunded', CD + 2 * CW, row(1));

// Boundary events: on the host's lower edge (fx: where along it), except the error one on
// acknowledge (upper edge, its loop back runs above the main row).
const onEdge = (id, host, edge, fx = 0.5) => {
  const h = bounds.get(host);
  bounds.set(id, { x: h.x + h.w * fx - 18, y: (edge === 'top' ? h.y : h.y + h.h) - 18, w: 36, h: 36 });
};
onEdge('acknowledgement-overdue', 'acknowledge-claim', 'bottom');
onEdge('acknowledge-handling-missing', 'acknowledge', 'top');
onEdge('findings-overdue', 'await-findings', 'bottom');
onEdge('decision-overdue', 'decide-claim', 'bottom', 0.9); // right above the merge
onEdge('bu-approval-overdue', 'approve-refund-bu', 'bottom', 0.25);
onEdge('country-approval-overdue', 'approve-refund-country', 'bottom');

for (const id of kindOf.keys()) if (!bounds.has(id)) throw new Error(`no shape for ${id}`);

const b = (id) => bounds.get(id);
const L = (id) => [b(id).x, b(id).y + b(id).h / 2];
const R = (id) => [b(id).x + b(id).w, b(id).y + b(id).h / 2];
const T = (id) => [b(id).x + b(id).w / 2, b(id).y];
const B = (id) => [b(id).x + b(id).w / 2, b(id).y + b(id).h];
const X = (id) => b(id).x + b(id).w / 2;

// Waypoints of each flow; straight left-to-right unless listed.
const routes = {
  'flow-acknowledgement-overdue-to-record-acknowledgement-breach': [
    B('acknowledgement-overdue'),
    [X('acknowledgement-overdue'), row(1)],
    L('record-acknowledgement-breach'),
  ],
  'flow-acknowledgement-first-breach-to-chase-claim-acknowledgement': [B('acknowledgement-first-breach'), T('chase-claim-acknowledgement')],
  'flow-acknowledge-handling-missing-to-acknowledge-merge': [
    T('acknowledge-handling-missing'),
    [X('acknowledge-handling-missing'), Y0 - 95],
    [X('acknowledge-merge'), Y0 - 95],
    T('acknowledge-merge'),
  ],
  'flow-investigate-decision-to-reject-merge': [T('investigate-decision'), [X('investigate-decision'), row(-1)], L('reject-merge')],
  'flow-decision-outcome-to-reject-merge': [T('decision-outcome'), B('reject-merge')],
  'flow-decision-outcome-to-refund': [B('decision-outcome'), [X('decision-outcome'), row(1)], L('refund')],
  'flow-approval-needed-to-approve-refund-bu': [B('approval-needed'), [X('approval-needed'), row(1)], L('approve-refund-bu')],
  'flow-approval-needed-to-country-approval-merge': [B('approval-needed'), [X('approval-needed'), row(2)], L('country-approval-merge')],
  'flow-approve-refund-country-to-approval-merge': [R('approve-refund-country'), [X('approval-merge'), row(2)], B('approval-merge')],
  'flow-approved-to-decision-made': [R('approved'), [X('decision-made'), row(1)], B('decision-made')],
  'flow-approved-to-country-approval-merge': [B('approved'), [X('approved'), CH_A], [X('country-approval-merge'), CH_A], B('country-approval-merge')],
  'flow-approved-to-decide-merge': [T('approved'), [X('approved'), CH_TOP], [X('decide-merge'), CH_TOP], T('decide-merge')],
  // The four timers into the merge: from the left, from above, onto its upper-right edge, from the right.
  'flow-findings-overdue-to-decision-overdue-merge': [B('findings-overdue'), [X('findings-overdue'), BR], L('decision-overdue-merge')],
  'flow-decision-overdue-to-decision-overdue-merge': [B('decision-overdue'), T('decision-overdue-merge')],
  'flow-bu-approval-overdue-to-decision-overdue-merge': [B('bu-approval-overdue'), [X('bu-approval-overdue'), BR - 40], [XM + 12, BR - 40], [XM + 12, BR - 13]],
  'flow-country-approval-overdue-to-decision-overdue-merge': [B('country-approval-overdue'), [X('country-approval-overdue'), BR], R('decision-overdue-merge')],
  'flow-decision-overdue-merge-to-record-decision-breach': [B('decision-overdue-merge'), T('record-decision-breach')],
  'flow-decision-first-breach-to-decision-already-chased': [B('decision-first-breach'), T('decision-already-chased')],
};
const waypoints = (f) => {
  const id = flowId(f);
  if (routes[id]) return routes[id];
  const [from, to] = f;
  const [a, z] = [R(from), L(to)];
  if (a[1] !== z[1]) throw new Error(`${id} is not straight: route it`);
  return [a, z];
};
for (const id of Object.keys(routes)) if (!allFlows.some((f) => flowId(f) === id)) throw new Error(`route for unknown flow ${id}`);

// Check: no two shapes overlap (a boundary event and its host excepted).
const attached = new Map(elements.filter((e) => e.kind === 'boundary').map((e) => [e.id, e.attachedTo]));
const ids = [...bounds.keys()];
for (let i = 0; i < ids.length; i++)
  for (let j = i + 1; j < ids.length; j++) {
    const [p, q] = [ids[i], ids[j]];
    if (attached.get(p) === q || attached.get(q) === p) continue;
    const [s, t] = [b(p), b(q)];
    if (s.x <= t.x + t.w && t.x <= s.x + s.w && s.y <= t.y + t.h && t.y <= s.y + s.h) throw new Error(`overlap ${p} / ${q}`);
  }
// Check: no flow runs across a shape other than its ends (and their hosts), and list the crossings
// of flows (the timers of the approvals cannot reach the merge without crossing some).
const segs = (f) => {
  const w = waypoints(f);
  for (let i = 1; i < w.length; i++) if (w[i][0] !== w[i - 1][0] && w[i][1] !== w[i - 1][1]) throw new Error(`${flowId(f)} is not orthogonal`);
  return w.slice(1).map((p, i) => [w[i], p]);
};
for (const f of allFlows) {
  const ends = new Set([f[0], f[1], attached.get(f[0]), attached.get(f[1])]);
  for (const id of ids) {
    if (ends.has(id) || (attached.get(id) && ends.has(attached.get(id)))) continue;
    const s = b(id);
    for (const [[x1, y1], [x2, y2]] of segs(f)) {
      const [lx, hx, ly, hy] = [Math.min(x1, x2), Math.max(x1, x2), Math.min(y1, y2), Math.max(y1, y2)];
      if (lx < s.x + s.w && s.x < hx + 0.01 && ly < s.y + s.h && s.y < hy + 0.01) throw new Error(`${flowId(f)} runs across ${id}`);
    }
  }
}
const crossings = [];
for (let i = 0; i < allFlows.length; i++)
  for (let j = i + 1; j < allFlows.length; j++)
    for (const [[a1, b1], [a2, b2]] of segs(allFlows[i]))
      for (const [[c1, d1], [c2, d2]] of segs(allFlows[j])) {
        const hv = (hx1, hx2, hy, vx, vy1, vy2) => Math.min(hx1, hx2) < vx && vx < Math.max(hx1, hx2) && Math.min(vy1, vy2) < hy && hy < Math.max(vy1, vy2);
        if ((b1 === b2 && c1 === c2 && hv(a1, a2, b1, c1, d1, d2)) || (a1 === a2 && d1 === d2 && hv(c1, c2, d1, a1, b1, b2)))
          crossings.push(`${flowId(allFlows[i])} x ${flowId(allFlows[j])}`);
      }
console.log(`${crossings.length} crossing(s)${crossings.map((c) => `\n  ${c}`).join('')}`);

const n = (v) => String(Math.round(v * 100) / 100);
const shapeXml = (id) => {
  const s = b(id);
  const extra = kindOf.get(id) === 'exclusive' ? ' isMarkerVisible="true"' : '';
  return [
    `      <bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"${extra}>`,
    `        <dc:Bounds x="${n(s.x)}" y="${n(s.y)}" width="${s.w}" height="${s.h}" />`,
    '      </bpmndi:BPMNShape>',
  ];
};
const edgeXml = (f) => [
  `      <bpmndi:BPMNEdge id="${flowId(f)}_di" bpmnElement="${flowId(f)}">`,
  ...waypoints(f).map(([x, y]) => `        <di:waypoint x="${n(x)}" y="${n(y)}" />`),
  '      </bpmndi:BPMNEdge>',
];
// Shapes in document order.
const order = elements.map((e) => e.id);
const diagram = [
  '  <bpmndi:BPMNDiagram id="BPMNDiagram_claim">',
  '    <bpmndi:BPMNPlane id="BPMNPlane_claim" bpmnElement="claim">',
  ...order.flatMap(shapeXml),
  ...allFlows.flatMap(edgeXml),
  '    </bpmndi:BPMNPlane>',
  '  </bpmndi:BPMNDiagram>',
];

writeFileSync(OUT, `${semantic}\n${diagram.join('\n')}\n</bpmn:definitions>\n`);
console.log(`wrote ${OUT}`);
