# seatd, the seat reservation FastCGI service, as a container image (the app and app-login
# services of docker-compose.yml).
# Build stage: the same CMake preset as scripts/stack (tests are not built here: they run
# against a real stack in scripts/test). Layers are ordered by how often they change: the
# toolchain and -dev packages, then the CMake files and app/; a change outside app/ and the
# CMake files (tests, docs, sql, web) rebuilds nothing.
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake make g++ pkg-config \
      libfcgi-dev libcgicc-dev libmariadb-dev libjansson-dev libjwt-dev libcrypt-dev \
      libcurl4-openssl-dev libqrencode-dev libpng-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY app/ app/
RUN cmake --preset default -DSEATS_TESTS=OFF \
 && cmake --build --preset default -j"$(nproc)" --target seatd \
 && strip --strip-debug -o /seatd build/app/seatd

# Runtime stage: the shared libraries only (and tzdata, which theatre time zones are checked
# against), no compiler, a non-root user.
# /run/seats-events: the directory of nginx's events socket, shared through the volume
# seats-events (docker-compose.yml), made exactly as docker/nginx.Dockerfile makes it, with the
# group seats on the same gid (10001) in both images.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libfcgi0ldbl libcgicc3 libmariadb3 libjansson4 libjwt0 libcrypt1 tzdata \
      libcurl4 libqrencode4 libpng16-16 ca-certificates \
      libfcgi-bin \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 seats \
 && useradd --system --uid 10001 --gid seats --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin seats \
 && install -d -o www-data -g seats -m 0750 /run/seats-events
COPY docker/seatd-entrypoint.sh /usr/local/bin/seatd-entrypoint
COPY --from=build /seatd /usr/local/bin/seatd
USER seats
# FastCGI over TCP on the container's own address (seatd-entrypoint), reached by nginx
# as app:9000 inside the compose network. Nothing publishes this port on the host.
EXPOSE 9000
STOPSIGNAL SIGTERM
# A real FastCGI request (cgi-fcgi from libfcgi-bin) to the no-database liveness route, on
# the address seatd listens on.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD REQUEST_METHOD=GET SCRIPT_NAME=/api/v1/health/live REQUEST_URI=/api/v1/health/live \
      cgi-fcgi -bind -connect "$(seatd-entrypoint --address)" | grep -q '"status":"ok"'
ENTRYPOINT ["/usr/local/bin/seatd-entrypoint"]
