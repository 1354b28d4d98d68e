import { stringify } from 'yaml';

/** k2d's kubeconfig: cluster `k2d`, user `k2d-root`, context `k2d`, verified against our CA. */
export function kubeconfig(server: string, caCert: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'k2d', cluster: { server, 'certificate-authority-data': Buffer.from(caCert).toString('base64') } }],
    users: [{ name: 'k2d-root', user: { token } }],
    contexts: [{ name: 'k2d', context: { cluster: 'k2d', user: 'k2d-root' } }],
    'current-context': 'k2d',
    preferences: {},
  });
}
