# k2d-ts for hosts that reach a registry. Offline (as in CI), `npm run image` builds the equivalent image
# from this machine's own node binary instead. Run lines: README, "Run it as a Docker image".
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN node build.mjs && find dist -name '*.map' -delete

FROM node:20-bookworm-slim
# The bundle holds everything the server loads at run time: no node_modules. nsenter (util-linux, in the
# base image) runs httpGet/tcpSocket probes in the pods' network namespaces.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/k2d --no-create-home k2d \
 && mkdir -p /var/lib/k2d && chown k2d:k2d /var/lib/k2d && chmod 700 /var/lib/k2d
WORKDIR /app
COPY --from=build /src/dist ./dist
RUN echo '{"type":"module"}' > package.json
ENV K2D_DATA_PATH=/var/lib/k2d
VOLUME /var/lib/k2d
EXPOSE 6443
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["node", "/app/dist/healthcheck.mjs"]
# Root by default: the Docker socket is root's (or its group's) and probes need root. Unprivileged:
# --user 10001 --group-add <the socket's gid> (probes then fail; see the README).
ENTRYPOINT ["node", "--max-semi-space-size=2", "/app/dist/bridge/main.js"]
