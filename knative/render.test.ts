import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffRendered, renderAll, writeRendered } from './render-all';
import { repoRoot } from './repo';
import { declaredFunctions, makeTempRoot } from './testing';

const names = declaredFunctions();

describe('knative render', () => {
  it('when the manifests are rendered afresh, then the committed ones are identical (run knative/render.ts otherwise)', () => {
    const files = renderAll(repoRoot(), { functionNames: names });
    expect(diffRendered(repoRoot(), files)).toEqual([]);
  });

  it('when every declared function is rendered, then there is one Service each and one KafkaSource per subscription', () => {
    const paths = renderAll(repoRoot(), { functionNames: names }).map((f) => f.path);
    expect(paths).toEqual([
      // Sorted by path, as rendered: `wcf.yaml` comes after `wcf-start.yaml`.
      ...names.map((n) => `knative/services/${n}.yaml`).sort(),
      'knative/sources/contract-start-orders.yaml',
      'knative/sources/dispatch-start-orders.yaml',
      'knative/sources/esign-notifications-received.yaml',
      'knative/sources/notify-sender-requests.yaml',
      'knative/sources/order-intake-sales-orders.yaml',
      'knative/sources/tv-start-service-orders.yaml',
      'knative/sources/wcf-start-work-completed.yaml',
      'knative/sources/workflow-messages-requested.yaml',
    ]);
  });

  it('when IMAGE_REGISTRY is given, then images are prefixed with it', () => {
    const files = renderAll(repoRoot(), { functionNames: names, imageRegistry: 'registry.example/ahs/' });
    const service = files.find((f) => f.path === 'knative/services/order-intake.yaml');
    expect(service?.text).toContain('image: registry.example/ahs/ahs-field-service/order-intake:latest');
  });

  it('when the committed manifests drift, then the check names each missing, changed and stale file', () => {
    const root = makeTempRoot(names, { withRender: true });
    const files = renderAll(root);
    const service = path.join(root, 'knative/services/service-orders.yaml');
    writeFileSync(service, readFileSync(service, 'utf8').replace('max-scale: "20"', 'max-scale: "99"'));
    rmSync(path.join(root, 'knative/services/dead-letters.yaml'));
    writeFileSync(path.join(root, 'knative/sources/old-subscription.yaml'), 'kind: KafkaSource\n');
    expect(diffRendered(root, files)).toEqual([
      'missing: knative/services/dead-letters.yaml',
      expect.stringMatching(/^differs: knative\/services\/service-orders\.yaml \(line \d+: expected ".*max-scale: \\"20\\"", found ".*max-scale: \\"99\\""\)$/),
      'stale: knative/sources/old-subscription.yaml (no longer rendered)',
    ]);
    writeRendered(root, files);
    expect(diffRendered(root, files)).toEqual([]);
  });

  it('when ops change scaling.yaml, then only that function is out of date', () => {
    const root = makeTempRoot(names, { withRender: true });
    const scaling = path.join(root, 'knative/scaling.yaml');
    writeFileSync(scaling, readFileSync(scaling, 'utf8').replace('maxScale: 6', 'maxScale: 8'));
    const problems = diffRendered(root, renderAll(root));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^differs: knative\/services\/order-intake\.yaml/);
  });

  it('when a function folder has no entries yet, then the render refuses and names it', () => {
    const root = makeTempRoot([...names, 'new-function']);
    expect(() => renderAll(root)).toThrow('new-function: missing from knative/functions.yaml');
  });

  it('when containerConcurrency is 0 (unlimited), then the render refuses: DB_POOL_MAX needs a bound', () => {
    const root = makeTempRoot(names);
    const scaling = path.join(root, 'knative/scaling.yaml');
    writeFileSync(scaling, readFileSync(scaling, 'utf8').replace('containerConcurrency: 5', 'containerConcurrency: 0'));
    expect(() => renderAll(root)).toThrow('dead-letters: containerConcurrency 0 (unlimited) cannot size DB_POOL_MAX');
  });

  it('when a subscription names a topic outside the events/ catalog, then the render refuses', () => {
    const root = makeTempRoot(names);
    expect(() => renderAll(root, { knownTopics: ['sales.order.created'] })).toThrow(
      'order-intake-sales-orders: topic sales.order.updated is not in the events/ catalog',
    );
  });
});

describe('knative render CLI', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot(), 'knative/render.ts'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, IMAGE_REGISTRY: 'registry.example' },
    });

  it('when the committed render is current, then --check exits 0 (IMAGE_REGISTRY is ignored)', () => {
    const run = cli('--check');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('when a manifest is stale, then --check exits 1 and names it', () => {
    const root = makeTempRoot(names, { withRender: true });
    rmSync(path.join(root, 'knative/sources/order-intake-sales-orders.yaml'));
    const run = cli('--check', '--root', root);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('missing: knative/sources/order-intake-sales-orders.yaml');
  });

  it('when a policy is invalid, then the CLI exits 1 with the problem', () => {
    const root = makeTempRoot(names);
    const scaling = path.join(root, 'knative/scaling.yaml');
    writeFileSync(scaling, readFileSync(scaling, 'utf8').replace('maxScale: 1\n', 'maxScale: 0.5\n'));
    const run = cli('--root', root);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('outbox-relay: maxScale must be a non-negative integer');
  });
});
