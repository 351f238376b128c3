import { afterEach, describe, expect, it } from 'vitest';
import { IssuerArgsError, type IssuerCliRun, parseIssuerArgs, runIssuerCli } from '../src/index.js';

function collector() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    streams: {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
    },
  };
}

describe('parseIssuerArgs', () => {
  it('parses every flag, in both --flag value and --flag=value forms', () => {
    expect(
      parseIssuerArgs([
        '--port',
        '8080',
        '--host=127.0.0.1',
        '--servers',
        'default,payments',
        '--client',
        'svc:pw:orders:read,orders:write',
        '--client=spa2',
        '--alg',
        'ES256',
        '--jwks-max-age',
        '60',
        '--rotation-overlap=0',
        '--org-server-layout',
        'generic',
        '--admin',
        '--dpop-nonce',
      ]),
    ).toEqual({
      kind: 'start',
      options: {
        port: 8080,
        host: '127.0.0.1',
        servers: ['default', 'payments'],
        clients: [
          { clientId: 'svc', clientSecret: 'pw', scopes: ['orders:read', 'orders:write'] },
          { clientId: 'spa2' },
        ],
        alg: 'ES256',
        jwksMaxAge: 60,
        rotationOverlap: 0,
        orgServerLayout: 'generic',
        admin: true,
        dpopNonce: true,
      },
    });
    expect(parseIssuerArgs([])).toEqual({ kind: 'start', options: {} });
    expect(parseIssuerArgs(['--client', 'pub::a,b'])).toEqual({
      kind: 'start',
      options: { clients: [{ clientId: 'pub', scopes: ['a', 'b'] }] },
    });
  });

  it('recognises help', () => {
    expect(parseIssuerArgs(['--port', '1', '-h'])).toEqual({ kind: 'help' });
    expect(parseIssuerArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['--bogus=1'], /unknown option --bogus/],
    [['stray'], /unexpected argument "stray"/],
    [['--port'], /--port needs a value/],
    [['--port', '--admin'], /--port needs a value/],
    [['--port', '70000'], /--port expects a whole number 0-65535/],
    [['--port', '-1'], /--port expects a whole number/],
    [['--alg', 'HS256'], /--alg must be/],
    [['--admin=yes'], /--admin takes no value/],
    [['--client', ':pw'], /--client expects id:secret:scopes/],
    [['--servers', 'default,v1'], /invalid server id "v1"/],
    [['--jwks-max-age', '1.5'], /whole number/],
  ])('rejects %j with exit code 2', (argv, message) => {
    let caught: unknown;
    try {
      parseIssuerArgs(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IssuerArgsError);
    expect((caught as IssuerArgsError).exitCode).toBe(2);
    expect((caught as IssuerArgsError).message).toMatch(message);
  });
});

describe('runIssuerCli', () => {
  let run: IssuerCliRun | undefined;
  afterEach(async () => {
    await run?.close();
    run = undefined;
  });

  it('prints every issuer with its discovery URL and a working curl', async () => {
    const { out, streams } = collector();
    run = await runIssuerCli(
      ['--servers', 'payments', '--client', 'svc:pw:orders:read,orders:write'],
      streams,
    );
    expect(run.exitCode).toBeUndefined();
    const issuer = run.issuer;
    if (!issuer) throw new Error('issuer did not start');
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain(`listening on ${issuer.origin}`);
    for (const server of [issuer.orgServer, ...issuer.servers]) {
      expect(out.stdout).toContain(server.issuer);
      expect(out.stdout).toContain(server.discoveryUrl);
    }
    const payments = issuer.server('payments');
    expect(out.stdout).toContain(
      `curl -s -u svc:pw -d grant_type=client_credentials --data-urlencode 'scope=orders:read orders:write' ${payments.tokenEndpoint}`,
    );
    const response = await fetch(payments.tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('svc:pw').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect((await response.json()).scope).toBe('orders:read orders:write');
  });

  it('uses the built-in test client in the curl when none is given, and mentions admin', async () => {
    const { out, streams } = collector();
    run = await runIssuerCli(['--admin'], streams);
    expect(out.stdout).toContain('curl -s -u test-client:test-secret -d grant_type=client_credentials');
    expect(out.stdout).toContain('/__admin/faults');
  });

  it('prints usage for --help and exits 0 without starting', async () => {
    const { out, streams } = collector();
    run = await runIssuerCli(['--help'], streams);
    expect(run).toMatchObject({ exitCode: 0, issuer: undefined });
    expect(out.stdout).toMatch(/^Usage: tokenward-issuer/);
  });

  it('reports bad flags on stderr with exit code 2', async () => {
    const { out, streams } = collector();
    run = await runIssuerCli(['--nope'], streams);
    expect(run.exitCode).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('unknown option --nope');
  });

  it('reports a port in use with exit code 1', async () => {
    const first = collector();
    run = await runIssuerCli([], first.streams);
    const port = new URL(run.issuer?.origin ?? '').port;
    const second = collector();
    const clash = await runIssuerCli(['--port', port], second.streams);
    expect(clash.exitCode).toBe(1);
    expect(second.out.stderr).toMatch(/^tokenward-issuer: could not start: .*EADDRINUSE/);
  });

  it('names the program it runs as in its errors (the tokenward CLI runs it as `tokenward issuer`)', async () => {
    const first = collector();
    run = await runIssuerCli([], first.streams);
    const port = new URL(run.issuer?.origin ?? '').port;
    const clash = collector();
    await runIssuerCli(['--port', port], clash.streams, { programName: 'tokenward issuer' });
    expect(clash.out.stderr).toMatch(/^tokenward issuer: could not start: .*EADDRINUSE/);
    const usage = collector();
    await runIssuerCli(['--bogus'], usage.streams, { programName: 'tokenward issuer' });
    expect(usage.out.stderr).toContain('Run tokenward issuer --help for usage.');
    expect(usage.out.stderr).not.toContain('tokenward-issuer');
  });
});
