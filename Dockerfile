# InfiniteDB server image: builds infdb-server and infdb-cli on Debian 12 and
# runs the server on /data, listening on all interfaces on port 7070.
#
#   docker build -t infinitedb .
#   docker run -p 7070:7070 -v infdb-data:/data infinitedb [--flag=value ...]
#
# Runs as user infdb (uid 7070), which owns the /data volume; health is
# checked with `infdb-cli health`.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN ./deploy/install-deps.sh \
 && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DINFDB_BUILD_TESTS=OFF \
 && cmake --build build -j2 --target infdb-server infdb-cli

FROM debian:12
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      liburing2 libgrpc++1.51 libgrpc29 libprotobuf32 libspdlog1.10 libfmt9 \
      libabsl20220623 libc-ares2 libre2-9 libssl3 libsodium23 liblz4-1 libzstd1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/server/infdb-server /src/build/client/infdb-cli /usr/local/bin/
COPY deploy/docker-entrypoint.sh /usr/local/bin/infdb-entrypoint
# A user of its own; the data directory is a volume it owns.
RUN useradd --system --uid 7070 --home-dir /data --shell /usr/sbin/nologin infdb \
 && mkdir -p /data && chown infdb:infdb /data
USER infdb
VOLUME /data
EXPOSE 7070
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["infdb-cli", "--server", "127.0.0.1:7070", "--timeout", "4s", "health"]
# Flags: as arguments (docker run IMAGE --node-id=2) or as INFDB_<FLAG>
# environment variables (-e INFDB_NODE_ID=2).
ENTRYPOINT ["infdb-entrypoint"]
