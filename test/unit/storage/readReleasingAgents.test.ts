import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReleasingAgents } from '../../../src/storage/readReleasingAgents';

/** 8 MB that are not all alike (a read that lost its bytes, or got another read's, changes the digest). */
const BODY = Buffer.alloc(8 * 1024 * 1024);
for (let i = 0; i < BODY.length; i += 4) BODY.writeUInt32LE((i * 2654435761) >>> 0, i);
const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A self-signed certificate for 127.0.0.1, in a folder removed afterwards. */
function certificate(): { key: Buffer; cert: Buffer; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')].concat(
      ['-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    ),
    { stdio: 'ignore' },
  );
  const pair = { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  return { ...pair, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** GETs the body through `agent`, and the socket's reads as every listener after the agent's saw them. */
async function getThrough(
  scheme: 'http' | 'https',
  port: number,
  agent: http.Agent,
): Promise<{ body: Buffer; reads: Buffer[] }> {
  const reads: Buffer[] = [];
  const chunks: Buffer[] = [];
  const get = scheme === 'http' ? http.get : https.get;
  await new Promise<void>((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/object', agent, rejectUnauthorized: false }, (response) => {
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', resolve);
      response.on('error', reject);
    });
    request.on('socket', (socket) => socket.on('data', (read: Buffer) => reads.push(read)));
    request.on('error', reject);
  });
  return { body: Buffer.concat(chunks), reads };
}

describe('readReleasingAgents', () => {
  for (const scheme of ['http', 'https'] as const) {
    it(`${scheme}: each socket read's buffer is freed once parsed, and the body arrives whole`, async () => {
      const tls = scheme === 'https' ? certificate() : undefined;
      const serve: http.RequestListener = (_req, res) => {
        res.writeHead(200, { 'content-length': BODY.length });
        // In pieces, so the client reads many times.
        for (let at = 0; at < BODY.length; at += 256 * 1024) res.write(BODY.subarray(at, at + 256 * 1024));
        res.end();
      };
      const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, serve) : http.createServer(serve);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const agents = readReleasingAgents();
      try {
        const port = (server.address() as AddressInfo).port;
        const { body, reads } = await getThrough(
          scheme,
          port,
          scheme === 'http' ? agents.httpAgent : agents.httpsAgent,
        );
        assert.equal(body.length, BODY.length);
        assert.equal(digest(body), digest(BODY), 'the body is the bytes sent');
        assert.ok(reads.length >= 16, `the socket read ${reads.length} times`);
        const kept = reads.filter((r) => r.buffer.byteLength > 0);
        assert.equal(kept.length, 0, `${kept.length} of ${reads.length} reads still hold their buffers`);

        // A plain agent keeps them until a GC: what the agents are for.
        const plain = scheme === 'http' ? new http.Agent() : new https.Agent();
        const before = await getThrough(scheme, port, plain);
        plain.destroy();
        assert.ok(before.reads.every((r) => r.buffer.byteLength > 0));
      } finally {
        agents.httpAgent.destroy();
        agents.httpsAgent.destroy();
        await new Promise((resolve) => server.close(resolve));
        tls?.remove();
      }
    });
  }
});
