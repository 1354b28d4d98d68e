import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../helpers/server';

// The Service proxy process on its own: TCP and UDP forwarding, round-robin, retry past a refusing target.
const PROXY = join(import.meta.dirname, '../../bridge/proxy.ts');

async function startProxy(ports: Array<{ name?: string; port: number; protocol: string }>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', PROXY], {
    env: { ...process.env, K2D_NAMESPACE: 'ns', K2D_SERVICE: 'svc', K2D_PORTS: JSON.stringify(ports) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('proxy for ns/svc') && resolve()));
  return child;
}

function feed(child: ChildProcess, targets: Record<string, Array<{ ip: string; port: number }>>): Promise<void> {
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      if (String(d).includes('endpoints:')) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stdin!.write(`${JSON.stringify({ targets })}\n`);
  });
}

function tcpServer(reply: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.end(reply)).listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

function tcpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    const s = connect(port, '127.0.0.1');
    s.on('data', (d) => (body += d)).on('end', () => resolve(body)).on('error', reject);
  });
}

test('TCP: connections go round-robin over the targets; a refusing target is skipped; an update takes effect', async () => {
  const a = await tcpServer('a');
  const b = await tcpServer('b');
  const dead = await freePort();
  const port = await freePort();
  const proxy = await startProxy([{ name: 'http', port, protocol: 'TCP' }]);
  try {
    await feed(proxy, { 'http/TCP': [{ ip: '127.0.0.1', port: a.port }, { ip: '127.0.0.1', port: dead }, { ip: '127.0.0.1', port: b.port }] });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await tcpGet(port));
    assert.equal([...new Set(answers)].sort(), ['a', 'b']);
    await feed(proxy, { 'http/TCP': [{ ip: '127.0.0.1', port: b.port }] });
    for (let i = 0; i < 3; i++) assert.is(await tcpGet(port), 'b');
    await feed(proxy, {});
    const closed = await tcpGet(port).catch(() => '');
    assert.is(closed, '');
  } finally {
    proxy.kill();
    a.server.close();
    b.server.close();
  }
});

test('UDP: datagrams reach the target and replies come back to the sender', async () => {
  const echo = createSocket('udp4');
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
  echo.on('message', (msg, from) => echo.send(Buffer.concat([Buffer.from('echo:'), msg]), from.port, from.address));
  const port = await freePort();
  const proxy = await startProxy([{ name: 'dns', port, protocol: 'UDP' }]);
  const client = createSocket('udp4');
  try {
    await feed(proxy, { 'dns/UDP': [{ ip: '127.0.0.1', port: (echo.address() as { port: number }).port }] });
    const reply = await new Promise<string>((resolve) => {
      client.on('message', (m) => resolve(String(m)));
      client.send('ping', port, '127.0.0.1');
    });
    assert.is(reply, 'echo:ping');
  } finally {
    proxy.kill();
    echo.close();
    client.close();
  }
});

test.run();
