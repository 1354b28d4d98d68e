# k2d-ts for hosts that reach a registry. Offline (as in CI), `npm run image` builds the same image
# from this machine's own node binary instead.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN node build.mjs && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
# nsenter runs httpGet/tcpSocket probes inside a pod's network namespace (needs --pid=host).
RUN apt-get update && apt-get install -y --no-install-recommends util-linux ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/dist ./dist
COPY --from=build /src/node_modules ./node_modules
RUN echo '{"type":"module"}' > package.json && find dist -name '*.map' -delete
ENV K2D_DATA_PATH=/var/lib/k2d
VOLUME /var/lib/k2d
EXPOSE 6443
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "/app/dist/healthcheck.mjs"]
# Root by default: the Docker socket is root's (or the docker group's: run with --user and --group-add).
ENTRYPOINT ["node", "--max-semi-space-size=2", "/app/dist/bridge/main.js"]
