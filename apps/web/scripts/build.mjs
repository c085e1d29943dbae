// Builds the web app: the gateway's OpenAPI document (from its compiled routes, no server
// needed), the API types generated from it, a type check of the pages against those types, then
// the bundle. A contract change that breaks a page fails here (SPEC §10).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(web, '..', '..');
const generated = join(web, 'src', 'api', 'generated');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (command, args) => {
  try {
    execFileSync(command, args, { cwd: web, stdio: 'inherit' });
  } catch {
    // The tool has said what went wrong above.
    process.stderr.write(`web build failed at: ${command.split('/').pop()} ${args[0]}\n`);
    process.exit(1);
  }
};

mkdirSync(generated, { recursive: true });
run(process.execPath, [
  join(root, 'services', 'gateway', 'dist', 'docs', 'write-openapi.js'),
  join(generated, 'openapi.json'),
]);
// Defaults describe what the server fills in, so they do not make a request field required.
run(bin('openapi-typescript'), [
  join(generated, 'openapi.json'),
  '--output',
  join(generated, 'api.d.ts'),
  '--default-non-nullable=false',
]);
run(bin('tsc'), ['-p', 'tsconfig.json']);
run(bin('vite'), ['build', '--logLevel', 'warn']);
