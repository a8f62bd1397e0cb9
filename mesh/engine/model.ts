import { createHash } from 'node:crypto';
import * as Elements from 'bpmn-elements';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import serializeContext, { TypeResolver } from 'moddle-context-serializer';
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
  /** The model as bpmn-engine takes it, parsed and mapped once per version (not once per instance). */
  sourceContext: unknown;
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
  const sourceContext = serializeContext(parsed, TypeResolver(Elements as Record<string, unknown>));
  const rootElements = (rootElement.rootElements as El[] | undefined) ?? [];
  return rootElements
    .filter((e) => e.$type === 'bpmn:Process' && e.isExecutable === true)
    .map((process) => readProcess(process, xml, checksum, sourceContext));
}

function readProcess(process: El, xml: string, checksum: string, sourceContext: unknown): ProcessModel {
  const model: ProcessModel = {
    bpmnProcessId: String(process.id),
    checksum,
    xml,
    sourceContext,
    serviceTasks: new Map(),
    userTasks: new Map(),
    messageCatches: new Map(),
    errorBoundaries: new Map(),
  };
  const visit = (elements: El[]) => {
    for (const el of elements) {
      const id = String(el.id);
      if (el.flowElements) visit(el.flowElements);
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
            ...(str(form?.externalReference) ?? str(form?.formKey) ? { formKey: String(form?.externalReference ?? form?.formKey) } : {}),
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
