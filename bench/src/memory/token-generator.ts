/**
 * Child process entry: signs `count` distinct ES256 access tokens with node:crypto and writes
 * them to stdout, one a line, honouring back-pressure. It runs beside the verifying process so
 * that signing a million tokens does not add to the time or the memory being measured.
 */
import { createPrivateKey, sign } from 'node:crypto';
import type { GeneratorJob } from './messages.js';

const CHUNK_TOKENS = 512;

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function write(chunk: string): Promise<void> {
  if (process.stdout.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

async function generate(job: GeneratorJob): Promise<void> {
  const key = {
    key: createPrivateKey({ key: job.privateKey, format: 'jwk' }),
    dsaEncoding: 'ieee-p1363' as const,
  };
  const header = encode({ alg: 'ES256', kid: job.kid });
  const issuedAt = Math.floor(Date.now() / 1000);
  let chunk = '';
  for (let index = 0; index < job.count; index++) {
    const payload = encode({
      ver: 1,
      iss: job.issuer,
      aud: job.audience,
      sub: `user-${index}`,
      jti: `AT.${index}`,
      iat: issuedAt,
      exp: issuedAt + 3600,
      cid: 'bench-client',
      scp: ['orders:read'],
    });
    const signingInput = `${header}.${payload}`;
    const signature = sign('sha256', Buffer.from(signingInput), key).toString('base64url');
    chunk += `${signingInput}.${signature}\n`;
    if ((index + 1) % CHUNK_TOKENS === 0) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
}

process.once('message', (job: GeneratorJob) => {
  generate(job).then(
    () => process.disconnect(),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
