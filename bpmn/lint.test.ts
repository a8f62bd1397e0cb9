import BpmnModdle from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { loadModels } from './models';

// bpmnlint 11 (the last to run on Node 20) with Camunda's own compatibility rules for the engine
// version the models declare (modeler:executionPlatformVersion 8.8).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Linter } = require('bpmnlint') as { Linter: new (options: unknown) => { lint(root: unknown): Promise<Record<string, Report[]>> } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new () => unknown;

interface Report {
  id: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
}

const config = { extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8'] };

async function lint(xml: string) {
  const moddle = new BpmnModdle({ zeebe });
  const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const linter = new Linter({ config, resolver: new NodeResolver() });
  const reports = await linter.lint(rootElement);
  const problems = Object.entries(reports).flatMap(([rule, list]) => list.map((r) => `${r.category} ${rule} ${r.id}: ${r.message}`));
  return { problems, parseWarnings: warnings.map((w: { message: string }) => w.message) };
}

const models = loadModels();

describe('BPMN models against Camunda 8.8 compatibility rules', () => {
  it('when the folder is read, then there is at least the technical visit model', () => {
    expect(models.map((m) => m.name)).toContain('technical-visit.bpmn');
  });

  it.each(models.map((m) => [m.name, m.xml] as const))('when %s is linted, then no rule reports a problem', async (_name, xml) => {
    const { problems, parseWarnings } = await lint(xml);
    expect(parseWarnings).toEqual([]);
    expect(problems).toEqual([]);
  });

  it.each(models.map((m) => [m.name, m.xml] as const))('when %s is read, then it targets Camunda 8.8', (_name, xml) => {
    expect(xml).toMatch(/modeler:executionPlatform="Camunda Cloud"/);
    expect(xml).toMatch(/modeler:executionPlatformVersion="8\.8\.\d+"/);
  });

  it('when a service task has no task definition, then the linter reports it (the rules are live)', async () => {
    const broken = models.find((m) => m.name === 'technical-visit.bpmn')!.xml.replace(/<zeebe:taskDefinition type="tv-schedule-visit"[^>]*\/>/, '');
    const { problems } = await lint(broken);
    expect(problems.some((p) => p.includes('schedule-visit') && p.includes('TaskDefinition'))).toBe(true);
  });
});
