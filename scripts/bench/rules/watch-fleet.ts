// A fleet of WatchRules clients for the rules benchmarks: CHILDREN processes (watch-clients.ts),
// each holding its share of the streams on connections of their own, as separate gateways would.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// CLIENT_PROCESSES=4 for 10,000 streams: one process per 2,500 keeps each client's event loop
// from becoming the bottleneck (and its file descriptors within bounds).
export const CHILDREN = Number(process.env.CLIENT_PROCESSES ?? 2);
const CLIENT = fileURLToPath(new URL('./watch-clients.ts', import.meta.url));

export async function startClients(
  address: string,
  gateways: { id: string; token: string }[],
  dir: string,
  env: Record<string, string> = {},
): Promise<ChildProcess[]> {
  const per = Math.ceil(gateways.length / CHILDREN);
  const children: ChildProcess[] = [];
  await Promise.all(
    Array.from({ length: CHILDREN }, (_, i) => {
      const file = join(dir, `tokens-${i}.json`);
      writeFileSync(file, JSON.stringify(gateways.slice(i * per, (i + 1) * per)));
      const child = fork(CLIENT, [address, file], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...env },
      });
      children.push(child);
      return new Promise<void>((resolve) => child.once('message', () => resolve()));
    }),
  );
  return children;
}

export async function stopClients(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.send({ type: 'stop' });
        }),
    ),
  );
}

export async function waitFor(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
