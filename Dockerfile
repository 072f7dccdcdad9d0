# InfiniteDB server image: builds infdb-server and infdb-cli on Debian 12 and
# runs the server on /data, listening on all interfaces on port 7070.
#
#   docker build -t infinitedb .
#   docker run -p 7070:7070 -v infdb-data:/data infinitedb
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
      libabsl20220623 libc-ares2 libre2-9 libssl3 liblz4-1 libzstd1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/server/infdb-server /src/build/client/infdb-cli /usr/local/bin/
VOLUME /data
EXPOSE 7070
STOPSIGNAL SIGTERM
ENTRYPOINT ["infdb-server", "--data-dir=/data", "--listen=0.0.0.0:7070"]
