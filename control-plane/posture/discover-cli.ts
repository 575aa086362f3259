// `palisade discover`: inventory, templating and OpenAPI generation over a capture file (HAR 1.2 or
// JSON Lines), plus conformance findings against an uploaded spec. Runnable directly:
//   npx tsx control-plane/posture/discover-cli.ts capture.jsonl --out openapi.yaml --merge
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { discoverFromCapture } from './discover/discover.ts';
import { generateOpenApi, generateOpenApiPerHost, type OpenApiDocument } from './openapi-generate.ts';
import { validateOpenApi } from './openapi-validate.ts';
import { parseSpec } from './spec-parse.ts';
import { SpecError } from './spec-errors.ts';
import { checkConformance, toFindingsList } from './conformance.ts';

type Writer = { write(s: string): unknown; isTTY?: boolean };

const USAGE = `usage: palisade discover <capture.har|capture.jsonl> --out openapi.json|openapi.yaml
         [--merge] [--spec uploaded.yaml --findings findings.json] [--no-progress]

  --out FILE        where to write the OpenAPI 3.1 document (.json, .yaml or .yml); with several
                    hosts and no --merge, one file per host: openapi.<host>.json
  --merge           one document for all hosts
  --spec FILE       an OpenAPI 3.0/3.1 or Swagger 2.0 spec to check the traffic against
  --findings FILE   where to write the conformance findings (JSON); needs --spec
  --no-progress     no progress bar on stderr
`;

function serialize(doc: OpenApiDocument, file: string): string {
  return /\.ya?ml$/i.test(file) ? toYaml(doc, { aliasDuplicateObjects: false }) : `${JSON.stringify(doc, null, 2)}\n`;
}

function perHostFile(out: string, host: string): string {
  const ext = extname(out);
  return join(dirname(out), `${basename(out, ext)}.${host}${ext}`);
}

function progressBar(stderr: Writer): (phase: string, read: number, total: number) => void {
  let last = '';
  return (phase, read, total) => {
    const pct = total > 0 ? Math.floor((100 * read) / total) : 100;
    const filled = Math.floor(pct / 5);
    const line = `${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${String(pct).padStart(3)}%`;
    if (line === last) return;
    last = line;
    stderr.write(`\r${line}${pct >= 100 ? '\n' : ''}`);
  };
}

/** Returns the process exit code: 0 ok, 1 bad input, 2 usage. */
export async function runDiscoverCli(argv: string[], stdout: Writer, stderr: Writer): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        merge: { type: 'boolean', default: false },
        spec: { type: 'string' },
        findings: { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    stderr.write(`palisade discover: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    stdout.write(USAGE);
    return 0;
  }
  const capture = positionals[0];
  if (!capture || positionals.length > 1 || !values.out) {
    stderr.write(`palisade discover: a capture file and --out are required\n${USAGE}`);
    return 2;
  }
  if (values.findings && !values.spec) {
    stderr.write('palisade discover: --findings needs --spec\n');
    return 2;
  }
  if (!existsSync(capture)) {
    stderr.write(`palisade discover: ${capture}: no such file\n`);
    return 1;
  }
  // Parse the spec first: a bad spec should fail before minutes of reading a capture.
  let spec;
  if (values.spec) {
    try {
      // Bound to every host of the capture: a staging capture must match a spec that names prod.
      spec = await parseSpec(readFileSync(values.spec), { name: basename(values.spec), hosts: [] });
    } catch (e) {
      stderr.write(`palisade discover: ${values.spec}: ${e instanceof SpecError ? `${e.code}: ${e.message}` : (e as Error).message}\n`);
      return 1;
    }
  }
  const showProgress = !values['no-progress'] && Boolean(stderr.isTTY);
  let result;
  try {
    result = await discoverFromCapture(capture, showProgress ? progressBar(stderr) : undefined);
  } catch (e) {
    stderr.write(`palisade discover: ${capture}: ${(e as Error).message}\n`);
    return 1;
  }
  const { endpoints, stats } = result;
  for (const err of stats.errors) stderr.write(`palisade discover: skipped ${err}\n`);
  if (stats.read === 0) {
    stderr.write(`palisade discover: ${capture}: no exchange could be read\n`);
    return 1;
  }
  const docs: [string, OpenApiDocument][] = [];
  const hosts = new Set(endpoints.map((e) => e.host));
  if (values.merge || hosts.size <= 1) docs.push([values.out, generateOpenApi(endpoints)]);
  else for (const [host, doc] of generateOpenApiPerHost(endpoints)) docs.push([perHostFile(values.out, host), doc]);
  for (const [file, doc] of docs) {
    const v = await validateOpenApi(doc);
    if (!v.valid) stderr.write(`palisade discover: warning: generated document is not valid OpenAPI 3.1: ${v.errors.join('; ')}\n`);
    writeFileSync(file, serialize(doc, file));
    stdout.write(`wrote ${file} (${Object.keys(doc.paths).length} paths)\n`);
  }
  if (spec) {
    const report = checkConformance(endpoints, [spec], { now: Date.now() });
    const list = toFindingsList(report);
    if (values.findings) {
      writeFileSync(values.findings, `${JSON.stringify(list, null, 2)}\n`);
      stdout.write(`wrote ${values.findings} (${list.length} findings)\n`);
    } else stdout.write(`${list.length} conformance findings (use --findings FILE to write them)\n`);
  }
  stdout.write(`${stats.read} exchanges read, ${stats.skipped} skipped, ${endpoints.length} endpoints on ${hosts.size} host(s)\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDiscoverCli(process.argv.slice(2), process.stdout, process.stderr).then((code) => {
    process.exitCode = code;
  });
}
