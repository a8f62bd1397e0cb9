import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { loadServices } from '../knative/manifests';
import { RESERVED_VARIABLES } from '../functions/operator-tasks/schema';
import { bpmnErrors, jobWorkers, messages, type MessageDeclaration } from './contract';
import { userTaskVariables } from './user-tasks';
import { loadModels } from './models';

// The one contract between the models and the code (bpmn/contract.ts), checked both ways.

type El = ModdleElement & { extensionElements?: { values?: El[] }; flowElements?: El[]; rootElements?: El[] };

interface ModelFacts {
  taskTypes: Set<string>;
  userTasks: Set<string>;
  messages: Map<string, string | undefined>;
  errorCodes: Set<string>;
}

async function factsOf(xml: string): Promise<ModelFacts> {
  const { rootElement } = await new BpmnModdle({ zeebe }).fromXML(xml, 'bpmn:Definitions');
  const facts: ModelFacts = { taskTypes: new Set(), userTasks: new Set(), messages: new Map(), errorCodes: new Set() };
  const visit = (el: El) => {
    if (el.$type === 'bpmn:UserTask') facts.userTasks.add(String(el.id));
    for (const ext of el.extensionElements?.values ?? []) {
      if (ext.$type === 'zeebe:TaskDefinition') facts.taskTypes.add(String(ext.type));
    }
    for (const child of el.flowElements ?? []) visit(child);
  };
  for (const root of (rootElement as El).rootElements ?? []) {
    if (root.$type === 'bpmn:Process') visit(root);
    if (root.$type === 'bpmn:Message') {
      const subscription = root.extensionElements?.values?.find((v) => v.$type === 'zeebe:Subscription');
      facts.messages.set(String(root.name), subscription ? String(subscription.correlationKey) : undefined);
    }
    if (root.$type === 'bpmn:Error') facts.errorCodes.add(String(root.errorCode));
  }
  return facts;
}

const ROOT = path.join(__dirname, '..');
const workersInKnative = loadServices(ROOT)
  .filter((s) => s.kind === 'worker')
  .map((s) => s.name)
  .sort();
const functionSources = (name: string) =>
  readdirSync(path.join(ROOT, 'functions', name))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => readFileSync(path.join(ROOT, 'functions', name, f), 'utf8'))
    .join('\n');
const allFunctionSources = () =>
  readdirSync(path.join(ROOT, 'functions'))
    .map((name) => functionSources(name))
    .join('\n');

describe('bpmn/contract.ts against the models and the functions', async () => {
  const facts = await Promise.all(loadModels().map(async (m) => ({ name: m.name, ...(await factsOf(m.xml)) })));
  const usedTypes = new Set(facts.flatMap((f) => [...f.taskTypes]));
  const usedMessages = new Map(facts.flatMap((f) => [...f.messages]));

  it('when a model names a task type, then the contract maps it to a worker', () => {
    const unknown = [...usedTypes].filter((t) => !(t in jobWorkers));
    expect(unknown).toEqual([]);
  });

  it('when the contract declares a task type, then some model uses it', () => {
    const unused = Object.keys(jobWorkers).filter((t) => !usedTypes.has(t));
    expect(unused).toEqual([]);
  });

  it('when a worker is named in the contract, then it is a worker function deployed by knative/, and every worker function is named', () => {
    expect([...new Set(Object.values(jobWorkers))].sort()).toEqual(workersInKnative);
  });

  it('when a worker function registers its jobs, then it registers exactly the task types the contract gives it', () => {
    for (const worker of new Set(Object.values(jobWorkers))) {
      const source = functionSources(worker);
      const registered = [...source.matchAll(/work\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]).sort();
      const expected = Object.entries(jobWorkers)
        .filter(([, w]) => w === worker)
        .map(([t]) => t)
        .sort();
      expect({ worker, registered }).toEqual({ worker, registered: expected });
    }
  });

  it('when a model waits for a message, then the contract declares it with the same correlation key', () => {
    const declared = new Map<string, MessageDeclaration>(Object.values(messages).map((m) => [m.name, m]));
    for (const [name, correlationKey] of usedMessages) {
      expect(declared.has(name), `message ${name} is not in bpmn/contract.ts`).toBe(true);
      expect({ name, correlationKey }).toEqual({ name, correlationKey: declared.get(name)?.correlationKey });
    }
  });

  it('when the contract declares a message, then a model uses it and a function publishes it', () => {
    const sources = allFunctionSources();
    for (const [key, message] of Object.entries(messages)) {
      expect(usedMessages.has(message.name), `no model uses message ${message.name}`).toBe(true);
      expect(sources.includes(`messages.${key}`), `no function publishes messages.${key}`).toBe(true);
    }
  });

  it("when a model has a user task, then the contract says which variables completing it may set (none of the tenant's), and only for user tasks", () => {
    const userTasks = facts.flatMap((f) => [...f.userTasks]).sort();
    expect(Object.keys(userTaskVariables).sort()).toEqual(userTasks);
    const reserved = Object.values(userTaskVariables)
      .flat()
      .filter((v) => (RESERVED_VARIABLES as readonly string[]).includes(v));
    expect(reserved).toEqual([]);
  });

  it('when a model catches a BPMN error, then its code is declared in the contract', () => {
    const codes = new Set<string>(Object.values(bpmnErrors));
    const undeclared = facts.flatMap((f) => [...f.errorCodes]).filter((c) => !codes.has(c));
    expect(undeclared).toEqual([]);
  });

  it('when a model is changed to name an unknown task type, then the check finds it (the test can fail)', async () => {
    const xml = loadModels()
      .find((m) => m.name === 'technical-visit.bpmn')!
      .xml.replace('type="tv-schedule-visit"', 'type="tv-plan-visit"');
    const changed = await factsOf(xml);
    expect([...changed.taskTypes].filter((t) => !(t in jobWorkers))).toEqual(['tv-plan-visit']);
  });
});
