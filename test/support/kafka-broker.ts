import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePortRange } from './ports';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

export interface KafkaBroker {
  brokers: string[];
  /** `kafka.sh start`: the first start formats the storage; later ones keep the records. */
  start(): Promise<void>;
  /** `kafka.sh stop`: a controlled shutdown; the records stay. */
  stop(): Promise<void>;
  /** Stops the broker and deletes its directory. */
  remove(): Promise<void>;
}

/**
 * A broker of the test's own, through scripts/kafka/kafka.sh with its own ports and KAFKA_DIR
 * (sharing the jars of .data/kafka/libs), for tests that stop and start Kafka without
 * disturbing the broker the other integration tests use.
 */
export async function startKafkaBroker(name: string): Promise<KafkaBroker> {
  const port = await freePortRange(2);
  const dir = path.join(ROOT, '.data', `kafka-${name}-${process.pid}`);
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(port + 1),
    KAFKA_DIR: dir,
    KAFKA_LIBS: process.env.KAFKA_LIBS ?? path.join(ROOT, '.data', 'kafka', 'libs'),
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
    KAFKA_LOG_LEVEL: 'WARN',
    KAFKA_START_TIMEOUT: process.env.KAFKA_START_TIMEOUT ?? '120',
  };
  const kafkaSh = (command: string) => run('bash', [path.join(ROOT, 'scripts/kafka/kafka.sh'), command], { env, timeout: 300_000 }).then(() => undefined);
  const broker: KafkaBroker = {
    brokers: [`127.0.0.1:${port}`],
    start: () => kafkaSh('start'),
    stop: () => kafkaSh('stop'),
    async remove() {
      await kafkaSh('stop');
      await rm(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
