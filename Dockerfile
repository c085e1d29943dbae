# syntax=docker/dockerfile:1
# One image recipe for the six services (SPEC §7); pick one with the SERVICE build argument:
#   docker build --build-arg SERVICE=booking -t slotbook-booking .
# docker-compose.yml builds it once per service.

ARG NODE_VERSION=20

# ---- build: all dependencies, compile libs and services with tsc -b ----
FROM node:${NODE_VERSION} AS build
WORKDIR /app
ENV CI=true
# The whole workspace (see .dockerignore): npm ci needs every workspace's package.json.
COPY . .
RUN npm ci --no-audit --no-fund
RUN npx tsc -b tsconfig.build.json
# The web pages (SPEC §10), served by the gateway from apps/web/dist.
RUN npm run build --workspace @slotbook/web
# Keep only what runs: production dependencies and each package's package.json + dist/.
RUN npm prune --omit=dev --no-audit --no-fund \
  && mkdir -p /out \
  && for pkg in libs/* services/* apps/*; do \
       mkdir -p "/out/$pkg" && cp "$pkg/package.json" "/out/$pkg/" \
       && if [ -d "$pkg/dist" ]; then cp -R "$pkg/dist" "/out/$pkg/dist"; fi; \
     done \
  && find /out -name '*.tsbuildinfo' -delete \
  && cp package.json /out/ \
  && mv node_modules /out/node_modules

# ---- runtime: node:20-slim, production dependencies, one service ----
FROM node:${NODE_VERSION}-slim AS runtime
ARG SERVICE
RUN test -n "$SERVICE" || { echo 'build with --build-arg SERVICE=identity|availability|booking|webhooks|notifications|gateway' >&2; exit 1; }
ENV NODE_ENV=production \
    SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /out/package.json ./package.json
COPY --from=build /out/node_modules ./node_modules
COPY --from=build /out/libs ./libs
COPY --from=build /out/apps ./apps
COPY --from=build /out/services/${SERVICE} ./services/${SERVICE}
RUN test -f "services/${SERVICE}/dist/main.js" || { echo "unknown SERVICE '${SERVICE}'" >&2; exit 1; }
USER node
# Ports: gateway 3000, identity 3001, availability 3002, booking 3003, webhooks 3004,
# notifications 3005 (PORT overrides); Prometheus metrics on 9300-9305 in the same order
# (METRICS_PORT overrides).
EXPOSE 3000 3001 3002 3003 3004 3005 9300 9301 9302 9303 9304 9305
# `exec` makes node the main process, so SIGTERM reaches it (graceful shutdown); compose adds init.
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
