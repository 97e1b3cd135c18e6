# syntax=docker/dockerfile:1
# gust-agent image: `docker build -t gust-agent --build-arg REVISION=$(git rev-parse --short=12 HEAD) .`
# Node 24 is the current LTS line; the agent itself only needs >= 20.19 (package.json engines).
# Node 20 measured ~20-25 MiB less RSS (docs/benchmarks.md) but is out of support; 22 measured as 24.
ARG NODE_IMAGE=node:24-slim

# Stage 1: compile src/ into dist/ (esbuild, a development dependency).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts ./scripts
COPY src ./src
RUN node scripts/build.mjs

# Stage 2: production dependencies only (no scripts: nothing to compile at install time).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# Stage 3: the runtime. No compilers, no npm cache, no dev dependencies.
FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
# The repository URL, e.g. --build-arg SOURCE_URL="$(git remote get-url origin)".
ARG SOURCE_URL=
LABEL org.opencontainers.image.title="gust-agent" \
      org.opencontainers.image.description="Prometheus monitoring agent for game-server hosts: logs, RCON, queries, host and process metrics" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

# tini as PID 1: forwards SIGTERM/SIGHUP to node and reaps children of the exec RCON transport.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /etc/gust-agent /var/lib/gust-agent \
 && chown node:node /var/lib/gust-agent

WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY --from=build /app/dist ./dist
# A runnable default; mount your own config over /etc/gust-agent.
COPY config.example.yaml /etc/gust-agent/config.yaml

ENV NODE_ENV=production \
    GUST_CONFIG=/etc/gust-agent/config.yaml \
    GUST_STATE_DIR=/var/lib/gust-agent \
    GUST_REVISION=${REVISION} \
    GUST_HEALTHCHECK_URL=http://127.0.0.1:9720/-/healthy

USER node
VOLUME ["/etc/gust-agent", "/var/lib/gust-agent"]
EXPOSE 9720
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.GUST_HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The program itself, not `node program`: its #! line carries the V8 flags it is measured with.
ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/gust-agent"]
CMD ["run", "--config", "/etc/gust-agent/config.yaml"]
