// The two runtimes every policy test runs on: Node's vm (fast) and real Rhino (what Apigee runs;
// skipped with a reason outside CI when `rhino` is not installed, see test/lib/tools.ts).
import { needCommand } from '../../../test/lib/tools.ts';
import { createNodeRunner, createRhinoRunner, type PolicyRunner } from './policy-runner.ts';

export interface Runtime {
  name: 'node' | 'rhino';
  skip: string | undefined;
  create(): PolicyRunner;
}

export const RUNTIMES: Runtime[] = [
  { name: 'node', skip: undefined, create: createNodeRunner },
  { name: 'rhino', skip: needCommand('rhino'), create: () => createRhinoRunner() },
];
