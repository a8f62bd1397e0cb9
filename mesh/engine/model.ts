import { createHash } from 'node:crypto';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';

export interface ServiceTaskDef {
  type: string;
  retries: string;
  headers: Record<string, string>;
  inputs: { source: string; target: string }[];
  outputs: { source: string; target: string }[];
}

export interface UserTaskDef {
  name: string;
  candidateGroups?: string;
  assignee?: string;
  priority?: string;
  dueDate?: string;
  formKey?: string;
}

export interface MessageCatchDef {
  messageName: string;
  correlationKey: string;
}

/** What the embedded engine needs to know of one process, read once per deployed version. */
export interface ProcessModel {
  bpmnProcessId: string;
  checksum: string;
  xml: string;
  /** The message name of the process's message start event, if it starts by message. */
  messageStart?: string;
  serviceTasks: Map<string, ServiceTaskDef>;
  userTasks: Map<string, UserTaskDef>;
  messageCatches: Map<string, MessageCatchDef>;
  /** Error codes caught by boundary events, per element they are attached to ('*' = any). */
  errorBoundaries: Map<string, Set<string>>;
  /** The flow graph the interpreter (./runner.ts) walks: every flow node by id. */
  nodes: Map<string, FlowNode>;
}

/** The flow nodes the embedded engine runs; anything else is refused when the model is read. */
export type NodeKind =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'serviceTask'
  | 'userTask'
  | 'receiveTask'
  | 'task'
  | 'manualTask';

export interface SequenceFlow {
  id: string;
  target: string;
  /** A FEEL condition (`=...`); only read on flows leaving an exclusive gateway. */
  condition?: string;
}

/** A timer as BPMN gives it: a duration, a date, or a cycle (`R3/PT1H`), each a literal or a FEEL expression. */
export interface TimerDef {
  kind: 'duration' | 'date' | 'cycle';
  expression: string;
}

export interface FlowNode {
  id: string;
  kind: NodeKind;
  outgoing: SequenceFlow[];
  incoming: number;
  /** The default flow of an exclusive gateway. */
  defaultFlow?: string;
  /** Boundary events attached to this activity, by id. */
  boundaries: string[];
  /** For a boundary event: the activity it is attached to and whether it interrupts it. */
  attachedTo?: string;
  interrupting?: boolean;
  /** What a catch event waits for (boundary, intermediate, start): a message, a timer or an error code ('*' = any). */
  waitsFor?: { message: true } | { timer: TimerDef } | { error: string };
  /** An end event that terminates the whole instance. */
  terminate?: boolean;
}

type El = ModdleElement & { extensionElements?: { values?: El[] }; flowElements?: El[]; eventDefinitions?: El[] };

const ext = (el: El, type: string): El | undefined => el.extensionElements?.values?.find((v) => v.$type === type);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads the Zeebe-relevant parts of a `.bpmn` file; one ProcessModel per executable process. */
export async function readModels(xml: string): Promise<ProcessModel[]> {
  const moddle = new BpmnModdle({ zeebe });
  const parsed = await moddle.fromXML(xml, 'bpmn:Definitions');
  const { rootElement, warnings } = parsed;
  if (warnings.length > 0) throw new Error(`the model does not parse cleanly: ${warnings.map((w) => w.message).join('; ')}`);
  const checksum = createHash('sha256').update(xml).digest('hex');
  const rootElements = (rootElement.rootElements as El[] | undefined) ?? [];
  return rootElements.filter((e) => e.$type === 'bpmn:Process' && e.isExecutable === true).map((process) => readProcess(process, xml, checksum));
}

function readProcess(process: El, xml: string, checksum: string): ProcessModel {
  const model: ProcessModel = {
    bpmnProcessId: String(process.id),
    checksum,
    xml,
    serviceTasks: new Map(),
    userTasks: new Map(),
    messageCatches: new Map(),
    errorBoundaries: new Map(),
    nodes: readGraph(String(process.id), process.flowElements ?? []),
  };
  const visit = (elements: El[]) => {
    for (const el of elements) {
      const id = String(el.id);
      switch (el.$type) {
        case 'bpmn:ServiceTask': {
          const def = ext(el, 'zeebe:TaskDefinition');
          if (!def || !str(def.type)) throw new Error(`service task ${id} has no zeebe:taskDefinition type`);
          const io = ext(el, 'zeebe:IoMapping');
          const headers = ext(el, 'zeebe:TaskHeaders');
          model.serviceTasks.set(id, {
            type: String(def.type),
            retries: str(def.retries) ?? '3',
            headers: Object.fromEntries(((headers?.values as El[] | undefined) ?? []).map((h) => [String(h.key), String(h.value)])),
            inputs: ((io?.inputParameters as El[] | undefined) ?? []).map((p) => ({ source: String(p.source), target: String(p.target) })),
            outputs: ((io?.outputParameters as El[] | undefined) ?? []).map((p) => ({ source: String(p.source), target: String(p.target) })),
          });
          break;
        }
        case 'bpmn:UserTask': {
          const assignment = ext(el, 'zeebe:AssignmentDefinition');
          const priority = ext(el, 'zeebe:PriorityDefinition');
          const schedule = ext(el, 'zeebe:TaskSchedule');
          const form = ext(el, 'zeebe:FormDefinition');
          model.userTasks.set(id, {
            name: str(el.name) ?? id,
            ...(str(assignment?.candidateGroups) ? { candidateGroups: String(assignment?.candidateGroups) } : {}),
            ...(str(assignment?.assignee) ? { assignee: String(assignment?.assignee) } : {}),
            ...(typeof priority?.priority === 'number' || typeof priority?.priority === 'string' ? { priority: String(priority.priority) } : {}),
            ...(str(schedule?.dueDate) ? { dueDate: String(schedule?.dueDate) } : {}),
            ...((str(form?.externalReference) ?? str(form?.formKey)) ? { formKey: String(form?.externalReference ?? form?.formKey) } : {}),
          });
          break;
        }
        case 'bpmn:ReceiveTask':
          addMessageCatch(model, id, el.messageRef as El | undefined);
          break;
        case 'bpmn:StartEvent':
        case 'bpmn:IntermediateCatchEvent':
        case 'bpmn:BoundaryEvent': {
          for (const definition of el.eventDefinitions ?? []) {
            if (definition.$type === 'bpmn:MessageEventDefinition') {
              if (el.$type === 'bpmn:StartEvent') model.messageStart = String((definition.messageRef as El | undefined)?.name);
              else addMessageCatch(model, id, definition.messageRef as El | undefined);
            }
            if (definition.$type === 'bpmn:ErrorEventDefinition' && el.$type === 'bpmn:BoundaryEvent') {
              const attachedTo = String((el.attachedToRef as El).id);
              const codes = model.errorBoundaries.get(attachedTo) ?? new Set<string>();
              codes.add(str((definition.errorRef as El | undefined)?.errorCode) ?? '*');
              model.errorBoundaries.set(attachedTo, codes);
            }
          }
          break;
        }
      }
    }
  };
  visit(process.flowElements ?? []);
  return model;
}

const KINDS: Record<string, NodeKind> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:UserTask': 'userTask',
  'bpmn:ReceiveTask': 'receiveTask',
  'bpmn:Task': 'task',
  'bpmn:ManualTask': 'manualTask',
};

/** The process's flow nodes and sequence flows; an element the engine cannot run fails the deployment, as Zeebe rejects one. */
function readGraph(processId: string, elements: El[]): Map<string, FlowNode> {
  const nodes = new Map<string, FlowNode>();
  for (const el of elements) {
    if (el.$type === 'bpmn:SequenceFlow') continue;
    const kind = KINDS[el.$type];
    if (!kind) throw new Error(`process ${processId}: ${el.$type} '${String(el.id)}' is not supported by the embedded engine`);
    const node: FlowNode = { id: String(el.id), kind, outgoing: [], incoming: 0, boundaries: [] };
    if (el.default) node.defaultFlow = String((el.default as El).id);
    const definitions = el.eventDefinitions ?? [];
    if (definitions.length > 1) throw new Error(`process ${processId}: '${node.id}' has several event definitions`);
    const definition = definitions[0];
    switch (definition?.$type) {
      case undefined:
        break;
      case 'bpmn:MessageEventDefinition':
        node.waitsFor = { message: true };
        break;
      case 'bpmn:TimerEventDefinition': {
        const [timerKind, body] = definition.timeDuration
          ? (['duration', definition.timeDuration] as const)
          : definition.timeDate
            ? (['date', definition.timeDate] as const)
            : (['cycle', definition.timeCycle] as const);
        const expression = str((body as El | undefined)?.body);
        if (!expression) throw new Error(`process ${processId}: timer '${node.id}' has no time`);
        node.waitsFor = { timer: { kind: timerKind, expression } };
        break;
      }
      case 'bpmn:ErrorEventDefinition':
        node.waitsFor = { error: str((definition.errorRef as El | undefined)?.errorCode) ?? '*' };
        break;
      case 'bpmn:TerminateEventDefinition':
        if (kind !== 'endEvent') throw new Error(`process ${processId}: '${node.id}' terminates but is not an end event`);
        node.terminate = true;
        break;
      default:
        throw new Error(`process ${processId}: '${node.id}' has a ${String(definition?.$type)}, which the embedded engine does not support`);
    }
    if (kind === 'boundaryEvent') {
      node.attachedTo = String((el.attachedToRef as El).id);
      node.interrupting = el.cancelActivity !== false;
      if (!node.waitsFor) throw new Error(`process ${processId}: boundary event '${node.id}' waits for nothing`);
    }
    if (kind === 'intermediateCatchEvent' && !node.waitsFor) throw new Error(`process ${processId}: catch event '${node.id}' waits for nothing`);
    if (kind === 'intermediateThrowEvent' && definition)
      throw new Error(`process ${processId}: throw event '${node.id}' with a ${definition.$type} is not supported`);
    nodes.set(node.id, node);
  }
  for (const el of elements) {
    if (el.$type !== 'bpmn:SequenceFlow') continue;
    const source = nodes.get(String((el.sourceRef as El).id));
    const target = nodes.get(String((el.targetRef as El).id));
    if (!source || !target) throw new Error(`process ${processId}: sequence flow '${String(el.id)}' joins unknown elements`);
    const condition = str((el.conditionExpression as El | undefined)?.body);
    source.outgoing.push({ id: String(el.id), target: target.id, ...(condition ? { condition } : {}) });
    target.incoming += 1;
  }
  for (const node of nodes.values()) {
    if (node.attachedTo) {
      const host = nodes.get(node.attachedTo);
      if (!host) throw new Error(`process ${processId}: boundary event '${node.id}' is attached to unknown '${node.attachedTo}'`);
      host.boundaries.push(node.id);
    }
  }
  return nodes;
}

function addMessageCatch(model: ProcessModel, id: string, message: El | undefined) {
  if (!message) throw new Error(`${id} waits for a message but names none`);
  const subscription = ext(message, 'zeebe:Subscription');
  const correlationKey = str(subscription?.correlationKey);
  if (!correlationKey) throw new Error(`message ${String(message.name)} of ${id} has no zeebe:subscription correlationKey`);
  model.messageCatches.set(id, { messageName: String(message.name), correlationKey });
}

/** Whether a BPMN error with this code, thrown by a job of `elementId`, is caught in the model. */
export function catchesError(model: ProcessModel, elementId: string, code: string): boolean {
  const codes = model.errorBoundaries.get(elementId);
  return !!codes && (codes.has(code) || codes.has('*'));
}
