// Tests that need an external tool (rhino, chromium, PostgreSQL, Redis) ask for it here. Outside CI
// a missing tool skips the test with a reason; with CI=true it fails, because CI must run every
// suite (.ci/run installs the tools).
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';

/** Skip reason when `command` is not on PATH (outside CI); throws under CI. */
export function needCommand(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
  return found ? undefined : missing(`${command} is not installed`);
}

/** Skip reason when nothing listens on host:port (outside CI); throws under CI. */
export async function needService(name: string, host: string, port: number): Promise<string | undefined> {
  const up = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
  return up ? undefined : missing(`${name} is not reachable on ${host}:${port}`);
}

function missing(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run this suite (see .ci/run)`);
  return reason;
}
