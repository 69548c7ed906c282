# nginx 1.22 from Debian (the native stack's server, with Debian's nchan module) for the
# nginx service of docker-compose.yml. At each start conf/nginx/render.sh renders the very
# templates scripts/stack uses, from the settings in the environment, and becomes nginx.
# nginx runs as www-data throughout (no "user" directive: the master is not root), so it
# listens on an unprivileged port, 8080, which compose publishes on the host.
FROM debian:bookworm-slim
# nginx opens its built-in error log before it reads the configuration: point it at stderr.
# /run/seats-events holds nchan's publisher socket (SEATS_EVENTS_SOCKET), shared with the app
# container through the volume seats-events (docker-compose.yml). nginx makes every Unix
# socket 0666, so the directory keeps others out: www-data writes it, the group seats (seatd's
# gid, 10001, as in Dockerfile, which makes the directory alike) may only pass through.
# With nchan loaded, nginx also makes its compiled-in client body directory at start, whatever
# client_body_temp_path says (checked: "mkdir() /var/lib/nginx/body failed (13: Permission
# denied)" as www-data); nothing is written there, but it must be www-data's.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      nginx libnginx-mod-nchan curl \
 && rm -rf /var/lib/apt/lists/* \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && install -d -o www-data -g www-data -m 0750 /run/seats-nginx \
 && groupadd --system --gid 10001 seats \
 && install -d -o www-data -g seats -m 0750 /run/seats-events \
 && install -d -o www-data -g www-data -m 0700 /var/lib/nginx/body
COPY conf/nginx/ /usr/share/seats/conf/nginx/
COPY web/ /usr/share/seats/web/
# Where render.sh writes and what the server block points at, fixed for this image; the
# settings (LOGIN_RATE, API_RATE, REQUEST_TIMEOUT, SEATS_NGINX_WORKERS, the upstreams) come
# from compose.
ENV SEATS_CONF_OUT=/run/seats-nginx \
    SEATS_LISTEN=8080 \
    SEATS_WEB_ROOT=/usr/share/seats/web \
    SEATS_PID_FILE=/run/seats-nginx/nginx.pid \
    SEATS_TEMP_DIR=/run/seats-nginx/tmp \
    SEATS_ACCESS_LOG=/dev/stdout \
    SEATS_ERROR_LOG=/dev/stderr \
    SEATS_MAIN_UPSTREAM=app:9000 \
    SEATS_LOGIN_UPSTREAM=app-login:9000 \
    SEATS_EVENTS_SOCKET=/run/seats-events/events.sock
USER www-data
EXPOSE 8080
STOPSIGNAL SIGQUIT
# Through nginx to the main pool's liveness route (no database): nginx serves and reaches
# its upstream.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:8080/api/v1/health/live
ENTRYPOINT ["/bin/sh", "/usr/share/seats/conf/nginx/render.sh", "--exec"]
