// Runs inside a pod's network namespace (started with `nsenter --net`), so httpGet and tcpSocket probes
// reach the pod as the kubelet does, without the server sending traffic to container addresses from the
// host. Reads one JSON request per line on stdin, answers one JSON line per request on stdout.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

interface ProbeRequest {
  id: number;
  kind: 'http' | 'tcp';
  host: string;
  port: number;
  path?: string;
  scheme?: string;
  headers?: Array<{ name: string; value: string }>;
  timeoutMs: number;
}

function probe(req: ProbeRequest): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    const done = (ok: boolean, message: string) => resolve({ ok, message });
    if (req.kind === 'tcp') {
      const socket = connect({ host: req.host, port: req.port, timeout: req.timeoutMs });
      socket.on('connect', () => {
        socket.destroy();
        done(true, '');
      });
      socket.on('timeout', () => {
        socket.destroy();
        done(false, `dial tcp ${req.host}:${req.port}: i/o timeout`);
      });
      socket.on('error', (err) => done(false, `dial tcp ${req.host}:${req.port}: ${err.message}`));
      return;
    }
    const make = req.scheme === 'HTTPS' ? httpsRequest : httpRequest;
    const r = make(
      {
        host: req.host,
        port: req.port,
        path: req.path || '/',
        timeout: req.timeoutMs,
        rejectUnauthorized: false,
        headers: { 'user-agent': 'kube-probe/1.32', accept: '*/*', ...Object.fromEntries((req.headers ?? []).map((h) => [h.name, h.value])) },
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        done(code >= 200 && code < 400, `HTTP probe failed with statuscode: ${code}`);
      },
    );
    r.on('timeout', () => {
      r.destroy();
      done(false, `Get "${req.scheme === 'HTTPS' ? 'https' : 'http'}://${req.host}:${req.port}${req.path || '/'}": context deadline exceeded`);
    });
    r.on('error', (err) => done(false, `Get "http://${req.host}:${req.port}${req.path || '/'}": ${err.message}`));
    r.end();
  });
}

createInterface({ input: process.stdin }).on('line', async (line) => {
  const req = JSON.parse(line) as ProbeRequest;
  const result = await probe(req);
  process.stdout.write(`${JSON.stringify({ id: req.id, ...result })}\n`);
});
process.stdin.on('end', () => process.exit(0));
