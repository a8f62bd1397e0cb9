import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Service, type IService } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KafkaSource } from './kafka-source';
import { repoRoot } from './repo';
import { changed, REMOVE } from './testing';

function manifests(dir: string): [string, unknown][] {
  const folder = path.join(repoRoot(), 'knative', dir);
  return readdirSync(folder)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f, parse(readFileSync(path.join(folder, f), 'utf8'))]);
}

const validateService = (doc: unknown) => () => new Service(doc as IService).validate();
const validateSource = (doc: unknown) => () => new KafkaSource(doc).validate();

const services = manifests('services');
const sources = manifests('sources');
const [, service] = services[0] ?? ['', {}];
const [, source] = sources[0] ?? ['', {}];
const container = 'spec.template.spec.containers.0';

describe('rendered Knative Services', () => {
  it('when the services folder is read, then it holds manifests', () => {
    expect(services.length).toBeGreaterThan(0);
  });

  it.each(services)('when %s is validated against serving.knative.dev/v1 Service, then it passes', (_, doc) => {
    expect(validateService(doc)).not.toThrow();
  });

  it.each<[string, string, unknown]>([
    ['containerConcurrency is a string', 'spec.template.spec.containerConcurrency', 'ten'],
    ['an annotation is a number', 'spec.template.metadata.annotations.min-scale', 1],
    ['an env var has no name', `${container}.env.0.name`, REMOVE],
    ['the probe path is a number', `${container}.readinessProbe.httpGet.path`, 42],
    ['the probe has no port', `${container}.readinessProbe.httpGet.port`, REMOVE],
    ['the kind is wrong', 'kind', 'Deployment'],
  ])('when %s, then Service validation fails', (_, field, value) => {
    expect(validateService(changed(service, field, value))).toThrow();
  });
});

describe('rendered KafkaSources', () => {
  it('when the sources folder is read, then it holds manifests', () => {
    expect(sources.length).toBeGreaterThan(0);
  });

  it.each(sources)('when %s is validated as a sources.knative.dev/v1 KafkaSource, then it passes', (_, doc) => {
    expect(validateSource(doc)).not.toThrow();
  });

  it.each<[string, string, unknown, RegExp]>([
    ['topics is missing', 'spec.topics', REMOVE, /spec\/topics/],
    ['topics is empty', 'spec.topics', [], /spec\/topics/],
    ['ordering is unknown', 'spec.ordering', 'fifo', /spec\/ordering/],
    ['a field is misspelt', 'spec.toppics', ['x'], /toppics/],
    ['backoffPolicy is unknown', 'spec.delivery.backoffPolicy', 'fibonacci', /backoffPolicy/],
    ['backoffDelay is not ISO-8601', 'spec.delivery.backoffDelay', '300ms', /backoffDelay/],
    ['retry is negative', 'spec.delivery.retry', -1, /retry/],
    ['retry is a string', 'spec.delivery.retry', '10', /retry/],
    ['the sink ref has no name', 'spec.sink.ref.name', REMOVE, /name/],
    ['the dead letter sink ref has no kind', 'spec.delivery.deadLetterSink.ref.kind', REMOVE, /kind/],
    ['the sink is empty', 'spec.sink', {}, /sink needs a ref or a uri/],
    ['a label is not a string', 'metadata.labels', { a: 1 }, /labels/],
    ['the apiVersion is wrong', 'apiVersion', 'sources.knative.dev/v1beta1', /apiVersion/],
  ])('when %s, then KafkaSource validation fails naming it', (_, field, value, message) => {
    expect(validateSource(changed(source, field, value))).toThrow(message);
  });
});
