// The container's HEALTHCHECK: /healthz needs the token like every endpoint, so read it from the data dir.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

const dataPath = process.env.K2D_DATA_PATH ?? '/var/lib/k2d';
const token = (process.env.K2D_SECRET ?? readFileSync(`${dataPath}/token`, 'utf8')).trim();
const req = request({ host: '127.0.0.1', port: Number(process.env.K2D_PORT ?? 6443), path: '/healthz', headers: { authorization: `Bearer ${token}` }, ca: readFileSync(`${dataPath}/ca.crt`), servername: 'localhost', timeout: 4000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('error', () => process.exit(1));
req.on('timeout', () => req.destroy());
req.end();
