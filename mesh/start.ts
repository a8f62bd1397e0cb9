import { ConfigError } from '../shared/config';
import { meshConfig } from './config';
import { startMesh } from './mesh';
import { PortsTakenError } from './ports';

/** `npm start`: the whole mesh on embedded defaults (or on what the environment names). */
async function main() {
  const config = meshConfig();
  const quiet = config.LOG_LEVEL !== 'debug';
  const log = (source: string, line: string) => {
    if (quiet && source !== 'mesh' && source !== 'dispatcher' && /"level":"(debug)"/.test(line)) return;
    console.log(`${`[${source}]`.padEnd(18)} ${line}`);
  };
  const mesh = await startMesh(config, log);
  console.log('\nAHS Field Service mesh is running');
  console.log(`  ingress      ${mesh.url}   (GET ${mesh.url}/_mesh for details)`);
  for (const f of mesh.functions) console.log(`  ${f.name.padEnd(14)} ${mesh.url}/${f.name}   (process on :${f.port})`);
  console.log(
    `  bus          ${mesh.bus.kind === 'kafka' ? `Kafka ${config.KAFKA_BROKERS?.join(',')}` : 'embedded'}   (publish: POST ${mesh.url}/_bus/topics/{topic})`,
  );
  console.log(`  postgres     ${config.DATABASE_URL ? 'DATABASE_URL' : mesh.databaseUrl}`);
  console.log(`  workflows    ${mesh.engineUrl}   (${mesh.engine ? 'embedded engine, Camunda 8 REST API v2 subset' : 'Camunda 8'})`);
  console.log(`  openid       ${mesh.issuer}   (token: npm run token -- operator-es)`);
  console.log(
    mesh.esignSandbox
      ? `  adobe sign   ${mesh.esignSandbox.url}   (sandbox: signing links and codes in npm run inbox)`
      : `  adobe sign   ${config.ADOBE_SIGN_API_HOST}   (ADOBE_SIGN_API_HOST)`,
  );
  console.log('Ctrl-C stops everything.\n');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the mesh...');
    await mesh.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof PortsTakenError ? error.message : error);
  process.exit(1);
});
