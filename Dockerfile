# seatd, the seat reservation FastCGI service, as a container image.
# Build stage: the same CMake preset commands as scripts/stack (tests are not built here:
# they run against a real stack in scripts/test).
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      cmake make g++ pkg-config \
      libfcgi-dev libcgicc-dev libmariadb-dev libjansson-dev libjwt-dev libcrypt-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY app/ app/
RUN cmake --preset default -DSEATS_TESTS=OFF \
 && cmake --build --preset default -j"$(nproc)"

# Runtime stage: the shared libraries only, no compiler, a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libfcgi0ldbl libcgicc3 libmariadb3 libjansson4 libjwt0 libcrypt1 \
      libfcgi-bin \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin seats
COPY --from=build /src/build/app/seatd /usr/local/bin/seatd
COPY sql/ /usr/share/seats/sql/
USER seats
# TCP inside the private compose network only (libfcgi listens on every interface of the
# container); nginx reaches it as app:9000. Nothing publishes this port on the host.
ENV FCGI_SOCKET=0.0.0.0:9000
EXPOSE 9000
STOPSIGNAL SIGTERM
# A real FastCGI request (cgi-fcgi from libfcgi-bin) to the no-database liveness route.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD REQUEST_METHOD=GET SCRIPT_NAME=/api/v1/health/live REQUEST_URI=/api/v1/health/live \
      cgi-fcgi -bind -connect "127.0.0.1:${FCGI_SOCKET##*:}" | grep -q '"status":"ok"'
ENTRYPOINT ["/usr/local/bin/seatd"]
