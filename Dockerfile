# syntax=docker/dockerfile:1
# One image per Pedigree service, all from this one Dockerfile. Build from the repository root:
#   docker build --build-arg SERVICE=serialization --build-arg PORT=3001 -t pedigree/serialization .
#   docker build --build-arg SERVICE=cold-chain    --build-arg PORT=3002 -t pedigree/cold-chain .
#   docker build --build-arg SERVICE=recall        --build-arg PORT=3003 -t pedigree/recall .
#   docker build --build-arg SERVICE=ledger-writer --build-arg PORT=3004 -t pedigree/ledger-writer .
# Every image also carries the pedigree CLI and the migrations of all four services, for the one-shot steps a
# deployment runs before it starts the services (ADR 0014; the Helm chart's hook Jobs, docker-compose.yml):
#   docker run --rm -e DATABASE_URL_SERIALIZATION=… pedigree/serialization node tools/pedigree/bin/pedigree.js db migrate
# The process runs as the image's unprivileged `node` user (uid 1000) and writes nothing outside /tmp, so it runs
# with a read-only root file system (the chart mounts an emptyDir at /tmp).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo "--build-arg SERVICE=<serialization|cold-chain|recall|ledger-writer> is required" >&2; exit 1)
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
COPY libs ./libs
COPY standards ./standards
COPY services ./services
COPY tools ./tools
RUN npm ci --no-audit --no-fund && npx tsc -b "services/$SERVICE" tools/pedigree && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT
RUN test -n "$PORT" || (echo "--build-arg PORT=<the service's port> is required" >&2; exit 1)
ENV NODE_ENV=production PORT=${PORT} PEDIGREE_SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/libs ./libs
COPY --from=build /src/standards ./standards
COPY --from=build /src/services/${SERVICE} ./services/${SERVICE}
COPY --from=build /src/services/serialization/drizzle ./services/serialization/drizzle
COPY --from=build /src/services/cold-chain/drizzle ./services/cold-chain/drizzle
COPY --from=build /src/services/recall/drizzle ./services/recall/drizzle
COPY --from=build /src/services/ledger-writer/drizzle ./services/ledger-writer/drizzle
COPY --from=build /src/tools/pedigree/package.json ./tools/pedigree/package.json
COPY --from=build /src/tools/pedigree/bin ./tools/pedigree/bin
COPY --from=build /src/tools/pedigree/dist ./tools/pedigree/dist
USER 1000:1000
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node services/$PEDIGREE_SERVICE/dist/main.js"]
