import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZeebeGateway, type ZeebeGatewayDouble } from '../test/support/zeebe-gateway';
import { main } from './deploy';
import { loadModels } from './models';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');

describe('npm run bpmn:deploy against the Zeebe gateway double', () => {
  let gateway: ZeebeGatewayDouble;
  beforeAll(async () => {
    gateway = await startZeebeGateway();
  });
  afterAll(() => gateway.close());

  it('when it runs, then every bpmn/*.bpmn goes in one DeployResource and each process is printed', async () => {
    const models = loadModels();
    expect(models.length).toBeGreaterThan(0);
    const lines: string[] = [];
    await main({ ZEEBE_GRPC_ADDRESS: gateway.url, CAMUNDA_AUTH_STRATEGY: 'NONE' }, (line) => lines.push(line));
    const deployment = gateway.deployments.at(-1) ?? [];
    expect(deployment.map((p) => p.resourceName).sort()).toEqual(models.map((m) => m.name).sort());
    expect(deployment.map((p) => p.bpmnProcessId)).toContain('technical-visit');
    expect(lines[0]).toBe(`deployed ${models.length} model(s) to ${gateway.url}:`);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}technical-visit version \d+ \(key \d+\) from bpmn\/technical-visit\.bpmn$/));
  });

  it('when it runs again with the same models, then the versions stay', async () => {
    await main({ ZEEBE_GRPC_ADDRESS: gateway.url, CAMUNDA_AUTH_STRATEGY: 'NONE' }, () => undefined);
    const [before, after] = gateway.deployments.slice(-2);
    expect(after).toEqual(before);
  });

  it('when OAUTH is asked for without credentials, then it refuses before connecting, naming the variables', async () => {
    const before = gateway.deployments.length;
    await expect(main({ ZEEBE_GRPC_ADDRESS: gateway.url }, () => undefined)).rejects.toThrow(
      /CAMUNDA_OAUTH_URL is missing.*ZEEBE_CLIENT_ID is missing.*ZEEBE_CLIENT_SECRET is missing/,
    );
    expect(gateway.deployments).toHaveLength(before);
  });

  it('when run as the npm script, then it deploys and exits 0', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'bpmn:deploy'], {
      cwd: ROOT,
      env: { ...process.env, ZEEBE_GRPC_ADDRESS: gateway.url, CAMUNDA_AUTH_STRATEGY: 'NONE' },
      timeout: 60_000,
    });
    expect(stdout).toContain(`model(s) to ${gateway.url}:`);
    expect(stdout).toMatch(/technical-visit version \d+/);
  });
});
