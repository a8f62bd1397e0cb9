import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromHttp } from '../../shared/cloudevents/http';
import { jobFromCloudEvent, type Job } from '../../shared/workflow/job';

export type Behaviour = (job: Job) => { status: number; body: unknown };

/** A worker that speaks the bridge contract; what it answers is set per task type by each test. */
export class RecordingWorker {
  readonly jobs: Job[] = [];
  behaviours = new Map<string, Behaviour>();
  private server: Server | undefined;
  url = '';

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const job = jobFromCloudEvent(fromHttp(req.headers, Buffer.concat(chunks)));
        this.jobs.push(job);
        const answer = (this.behaviours.get(job.type) ?? (() => ({ status: 200, body: { variables: {} } })))(job);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop() {
    return new Promise<void>((r) => this.server?.close(() => r()));
  }

  ofType(type: string, orderId: string) {
    return this.jobs.filter((j) => j.type === type && j.variables.orderId === orderId);
  }
}
