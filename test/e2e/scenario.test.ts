import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startTestMesh } from '../support/mesh';

/**
 * The scenario command (npm run scenario) on the running local mesh, for a Madrid sale
 * (auto-accepted dispatch) and a Lyon sale (the provider accepts the offer in the app): each
 * goes from intake through its technical visit, dispatch, booking, check-in and check-out; the
 * Madrid one on through the Work Closing Form (a reserves round) and a claim refunded through the
 * approval chain.
 */
const mesh = await startTestMesh();
const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

async function scenario(country: string, through?: 'wcf' | 'claim') {
  const { stdout } = await run(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(ROOT, 'mesh', 'scenario.ts'),
      '--country',
      country,
      ...(through ? ['--through', through] : []),
    ],
    {
      cwd: ROOT,
      // One setting, as a newcomer gives it: the CLI finds the rest from the mesh's GET /_mesh.
      env: { ...process.env, MESH_PORT: new URL(mesh.url).port },
      timeout: 150_000,
    },
  );
  return stdout;
}

describe('the scenario command', { timeout: 180_000 }, () => {
  it('when a Madrid kitchen is sold, then it is surveyed, contracted, auto-assigned, booked, checked in and out, closed after a reserve, and a claim on it refunded', async () => {
    const timeline = await scenario('ES', 'claim');
    expect(timeline).toMatch(/installation unblocked/);
    expect(timeline).toMatch(/contract \S+ \(es, total 153000 EUR\) sent for signature/);
    expect(timeline).toMatch(/customer\s+signed in the signing page \(agreement SIGNED\)/);
    expect(timeline).toMatch(/signed: installation released; signed PDF \d+ bytes/);
    expect(timeline).toMatch(/assignment .* confirmed \(auto-accept\)/);
    expect(timeline).toMatch(/checked in: 0 m from the address \(within geofence: true\)/);
    expect(timeline).toMatch(/assignment .* completed: the order is worked/);
    expect(timeline).toMatch(/re-work round 1 for the provider/);
    expect(timeline).toMatch(/lifting form signed: order closed at/);
    expect(timeline).toMatch(/claim \S+ opened from the link \(a second use is refused: 409\)/);
    expect(timeline).toMatch(/registered: covered by acabado/);
    expect(timeline).toMatch(/expert visit \S+ assigned to another provider/);
    expect(timeline).toMatch(/tries to approve it: 403 \(the refund of 8000\.00 EUR is above your approval limit of 500\.00 EUR \(operator\)/);
    expect(timeline).toMatch(/country-director-es\s+approved/);
    expect(timeline).toMatch(/claim refunded: 800000 EUR/);
    expect(timeline).toMatch(/scenario\s+done/);
  });

  it('when the scenario runs again on the same mesh, then the second sale is booked in the next free slot and done too', async () => {
    const first = await scenario('ES');
    const second = await scenario('ES');
    const booked = (timeline: string) => /appointment \S+ booked (\S+ \S+) UTC/.exec(timeline)?.[1];
    expect(booked(first)).toBeDefined();
    expect(booked(second)).toBeDefined();
    expect(booked(second)).not.toBe(booked(first));
    expect(second).toMatch(/scenario\s+done/);
  });

  it('when a Lyon heat pump is sold, then the customer signs with a one-time SMS code, the provider accepts the offer in the app and the work is done', async () => {
    const timeline = await scenario('FR');
    expect(timeline).toMatch(/signed in the signing page with the one-time SMS code/);
    expect(timeline).toMatch(/offer .* to the provider/);
    expect(timeline).toMatch(/offer accepted in the app/);
    expect(timeline).toMatch(/assignment .* confirmed \(offer\)/);
    expect(timeline).toMatch(/scenario\s+done/);
  });
});
