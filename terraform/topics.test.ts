import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../events';
import { renderTopicsTf, resourceName, TOPICS_TF, topicsInTf } from './topics-tf';

const committed = readFileSync(path.resolve(__dirname, '..', TOPICS_TF), 'utf8');
const catalogTopics = [...new Set(catalog.map((e) => e.topic))].sort();

describe('terraform Kafka topics', () => {
  it('when topics.tf is read, then its topics are exactly the events/ catalog topics', () => {
    expect(topicsInTf(committed)).toEqual(catalogTopics);
  });

  it('when topics.tf is rendered afresh, then the committed file is identical (run terraform/render-topics.ts otherwise)', () => {
    expect(committed).toBe(renderTopicsTf(catalogTopics));
  });

  it('when every topic gets a resource, then the resource names are distinct Terraform identifiers', () => {
    const names = catalogTopics.map(resourceName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(resourceName('orders.service-order.created')).toBe('orders_service_order_created');
  });

  it('when a topic is added to or missing from the .tf text, then the parser sees it', () => {
    const extra = renderTopicsTf([...catalogTopics, 'dispatch.offer.accepted']);
    expect(topicsInTf(extra)).toContain('dispatch.offer.accepted');
    expect(topicsInTf(renderTopicsTf(catalogTopics.slice(1)))).not.toContain(catalogTopics[0]);
  });
});
