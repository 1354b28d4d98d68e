import type Dockerode from 'dockerode';
import { docker, dockerName, type RunningServer } from './server';

/** A Deployment of busybox httpd on 8080 (port `http`) answering its pod name, Ready by an httpGet probe. */
export const httpdDeployment = (name: string, replicas: number, o: { ns: string; image?: string; extra?: string }) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${o.ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
${o.extra ?? ''}  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: ${o.image ?? 'k2d-test/busybox:1'}
        command: [sh, -c, "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
`;

/** The running containers of a workload's pods (`<ns>-<app>-…`) that this server made. */
export const workloadContainers = async (server: RunningServer, ns: string, app: string): Promise<Dockerode.ContainerInfo[]> =>
  (await docker.listContainers({ filters: { label: [`app.k2d.io/instance=${server.instance}`, `resource.k2d.io/namespace-name=${ns}`] } })).filter((c) =>
    c.Names.some((n) => n.startsWith(`/${dockerName(server.instance, `${ns}-${app}-`)}`)),
  );
