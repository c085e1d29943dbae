import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, Platform, futureStart } from '@slotbook/testing';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const CLIENT_FIXTURE = join(__dirname, 'fixtures', 'openapi-client', 'client.ts');
const TOOLS = {
  redocly: join(REPO_ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'),
  openapiTypescript: join(REPO_ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
  tsc: join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
  tsx: join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
};
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const PROBLEM_REF = '#/components/schemas/ProblemDto';

interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one of the pinned tools with this node, in `cwd`; never rejects. */
function runTool(
  script: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location?: unknown }>;
}

function parseLintReport(run: ToolRun): LintReport {
  const start = run.stdout.indexOf('{');
  try {
    return JSON.parse(run.stdout.slice(start)) as LintReport;
  } catch {
    throw new Error(
      `redocly printed no JSON report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`,
    );
  }
}

/**
 * SPEC §2: the OpenAPI document at /docs-json is what integrators generate clients from. The
 * document of a live gateway must pass a real linter, and a client generated from it must
 * compile and work: openapi-typescript for the types, openapi-fetch for the calls, tsc to check
 * them (all pinned in devDependencies).
 */
describe('the OpenAPI document, as a generated client sees it', () => {
  let platform: Platform;
  let api: ApiClient;
  let scratch: string;
  let document: any;

  beforeAll(async () => {
    platform = await new Platform().start();
    api = new ApiClient(platform.gatewayUrl);
    scratch = mkdtempSync(join(tmpdir(), 'slotbook-openapi-client-'));
    const response = await api.get('/docs-json');
    expect(response.status).toBe(200);
    document = response.body;
    writeFileSync(join(scratch, 'openapi.json'), response.text);
  });

  afterAll(async () => {
    await platform?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  function operations(): Array<{ name: string; operation: any }> {
    return Object.entries<any>(document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => item[method]).map((method) => ({
        name: `${method.toUpperCase()} ${path}`,
        operation: item[method],
      })),
    );
  }

  it('is the document that write-openapi prints without a server, from which the web app is typed', async () => {
    const written = join(scratch, 'written.json');
    const run = await runTool(
      join(REPO_ROOT, 'services', 'gateway', 'dist', 'docs', 'write-openapi.js'),
      [written],
      scratch,
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(readFileSync(written, 'utf8'))).toEqual(document);
  });

  it('is OpenAPI 3.1, whose schema dialect is the JSON Schema that zod writes', () => {
    expect(document.openapi).toBe('3.1.0');
    // A nullable string is a string or null, never an array (nestjs-zod #473).
    const { notes, cancellationReason } = document.components.schemas.BookingDto.properties;
    for (const nullable of [notes, cancellationReason]) {
      expect(nullable).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
    }
    expect(document.components.schemas.BookingPageDto.properties.nextCursor).toEqual({
      anyOf: [{ type: 'string' }, { type: 'null' }],
    });
  });

  it('gives every operation a summary and its errors as problem+json of one Problem schema', () => {
    const all = operations();
    expect(all.length).toBeGreaterThanOrEqual(21);
    const faults: string[] = [];
    for (const { name, operation } of all) {
      if (!operation.summary) faults.push(`${name}: no summary`);
      const errorCodes = Object.keys(operation.responses).filter((code) => /^[45]/.test(code));
      if (!errorCodes.some((code) => code.startsWith('4'))) faults.push(`${name}: no 4xx`);
      if (!errorCodes.includes('503')) faults.push(`${name}: no 503`);
      for (const code of errorCodes) {
        const content = operation.responses[code].content ?? {};
        if (Object.keys(content).join() !== 'application/problem+json')
          faults.push(`${name} ${code}: content ${Object.keys(content).join() || 'none'}`);
        else if (content['application/problem+json'].schema?.$ref !== PROBLEM_REF)
          faults.push(`${name} ${code}: not the Problem schema`);
      }
    }
    expect(faults).toEqual([]);
    expect(document.components.schemas.ProblemDto.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail']),
    );
  });

  it('documents the auth and manage routes and the calendar feed as open, the reads of public event types and POST /bookings with an optional token, and every other route as bearer-protected', () => {
    // SPEC §4b: without a token, these serve public event types only; with one, as ever.
    const tokenOptional = new Set([
      'GET /api/v1/event-types/{id}',
      'GET /api/v1/event-types/{id}/slots',
      'GET /api/v1/hosts/{hostId}/event-types',
      'POST /api/v1/bookings',
    ]);
    const securityOf = (name: string) => {
      if (name.includes(' /api/v1/auth/') || name.includes(' /api/v1/manage/')) return [];
      if (name === 'GET /api/v1/calendar/{token}.ics') return [];
      return tokenOptional.has(name) ? [{ bearer: [] }, {}] : [{ bearer: [] }];
    };
    for (const { name, operation } of operations()) {
      expect({ name, security: operation.security }).toEqual({ name, security: securityOf(name) });
    }
  });

  it('lists Idempotency-Key once on POST /bookings, and as optional', () => {
    const headers = document.paths['/api/v1/bookings'].post.parameters.filter(
      (parameter: any) => parameter.in === 'header',
    );
    expect(headers).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', required: false }),
    ]);
    expect(headers[0].schema).toMatchObject({ type: 'string', minLength: 1, maxLength: 255 });
  });

  it('passes redocly lint with no error (recommended rules, problem details on every 4xx)', async () => {
    const run = await runTool(
      TOOLS.redocly,
      ['lint', '--config', join(REPO_ROOT, 'redocly.yaml'), '--format', 'json', 'openapi.json'],
      scratch,
      { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    );
    const report = parseLintReport(run);
    expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(report.totals.errors).toBe(0);
    expect(run.code).toBe(0);
  });

  it('generates types from which a typed openapi-fetch client compiles under tsc --strict', async () => {
    const generated = await runTool(
      TOOLS.openapiTypescript,
      // Defaults describe what the server fills in, so they do not make a field required.
      ['openapi.json', '--output', 'api.ts', '--default-non-nullable=false'],
      scratch,
    );
    expect({ code: generated.code, stderr: generated.code ? generated.stderr : '' }).toEqual({
      code: 0,
      stderr: '',
    });
    copyFileSync(CLIENT_FIXTURE, join(scratch, 'client.ts'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          noUnusedLocals: true,
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2022', 'DOM'],
          types: ['node'],
          skipLibCheck: true,
        },
        files: ['client.ts', 'api.ts'],
      }),
    );
    const compiled = await runTool(TOOLS.tsc, ['-p', 'tsconfig.json'], scratch);
    expect({ code: compiled.code, output: `${compiled.stdout}${compiled.stderr}` }).toEqual({
      code: 0,
      output: '',
    });
  });

  it('signs up, books, meets a typed 409 problem and lists through that client', async () => {
    const run = await runTool(TOOLS.tsx, ['client.ts'], scratch, {
      GATEWAY_URL: platform.gatewayUrl,
      RUN_ID: randomBytes(4).toString('hex'),
      SLOT_START: futureStart().toISOString(),
    });
    expect({ code: run.code, stderr: run.code ? run.stderr : '' }).toEqual({ code: 0, stderr: '' });
    const outcome = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    expect(outcome).toEqual({
      bookingId: expect.any(String),
      status: 'confirmed',
      notes: null,
      notAnArray: null,
      conflict: { status: 409, problemStatus: 409, title: 'Conflict' },
      listed: [outcome.bookingId],
      nextCursor: null,
    });
  });
});
