import { readFileSync } from 'node:fs';
import { eventByTopic, salesOrderMessage } from '../events';
import { buildEvent } from '../shared/cloudevents/build';
import { toHttpBinary } from '../shared/cloudevents/http';
import { meshFetch, meshUrl, runCli } from './running-mesh';

/**
 * Publishes a message on the running mesh's bus, as a producer would on Kafka:
 *   npm run publish -- sales.order.created events/sales/examples/pyxis-created.json
 * By default the message becomes a CloudEvent of the topic's catalog type (binary mode,
 * its id = the sales message id, so publishing the same file twice is one delivery
 * redelivered). `--raw` writes the bare JSON with its record key, as a record without
 * `ce_` headers; `--invalid` skips the catalog's validation, to try the dead letter path.
 */
async function main() {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const [topic, file] = args.filter((a) => !a.startsWith('--'));
  if (!topic || !file) {
    console.error('usage: npm run publish -- <topic> <file.json> [--raw] [--invalid]');
    process.exit(2);
  }
  const definition = eventByTopic(topic);
  if (!definition) throw new Error(`unknown topic "${topic}" (see events/index.ts)`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const mesh = meshUrl();
  const sale = salesOrderMessage.safeParse(data);
  const id = sale.success ? ('header' in sale.data ? sale.data.header.messageId : sale.data.event_id) : undefined;
  const source = sale.success ? ('header' in sale.data ? '/sales/pyxis' : '/sales/tempo') : '/cli/publish';

  let request: { headers: Record<string, string>; body: string };
  if (flags.has('--raw')) {
    const key = sale.success ? definition.partitionKey(sale.data) : '';
    request = { headers: { 'content-type': 'application/json', 'x-record-key': key }, body: JSON.stringify(data) };
  } else if (flags.has('--invalid')) {
    request = {
      headers: { 'ce-specversion': '1.0', 'ce-id': `cli-${Date.now()}`, 'ce-source': source, 'ce-type': definition.type, 'content-type': 'application/json' },
      body: JSON.stringify(data),
    };
  } else {
    request = toHttpBinary(buildEvent(definition, data as never, { source, id }));
  }
  const response = await meshFetch(mesh, `${mesh}/_bus/topics/${topic}`, { method: 'POST', ...request });
  console.log(response.status, await response.text());
  if (!response.ok) process.exit(1);
}

runCli(main);
