# MariaDB 10.11 from Debian (the native stack's server) for the mariadb service of
# docker-compose.yml, with conf/mariadb/seats.cnf as its only server configuration (as
# scripts/stack runs it), and our entry point: it initialises a new data directory, makes
# the database and the app user, applies sql/migrations on every start and loads the demo
# data into a new database when DEMO_DATA=1 (docker/mariadb-entrypoint.sh).
FROM debian:bookworm-slim
# The package's postinst fills /var/lib/mysql; that is emptied so that a new volume starts
# empty and the entry point's mariadb-install-db makes it, with this container's settings.
# /run/mysqld exists only after the packaged service has run once (PITFALLS).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      mariadb-server mariadb-client \
 && rm -rf /var/lib/apt/lists/* \
 && find /var/lib/mysql -mindepth 1 -delete \
 && install -d -o mysql -g mysql -m 0750 /var/lib/mysql \
 && install -d -o mysql -g mysql -m 0755 /run/mysqld
COPY conf/mariadb/seats.cnf /etc/mysql/seats.cnf
COPY scripts/lib/migrate.sh /usr/local/lib/seats/migrate.sh
COPY sql/migrations/ /usr/share/seats/sql/migrations/
COPY sql/demo.sql /usr/share/seats/sql/demo.sql
COPY docker/mariadb-entrypoint.sh /usr/local/bin/seats-mariadb-entrypoint
USER mysql
VOLUME /var/lib/mysql
EXPOSE 3306
# The entry point starts the server that listens only after the schema is up to date, so a
# ping on its socket (as the mysql user: unix_socket authentication) means "ready".
HEALTHCHECK --interval=5s --timeout=5s --start-period=60s --retries=3 \
  CMD mariadb-admin --defaults-file=/etc/mysql/seats.cnf --socket=/run/mysqld/mysqld.sock \
      --connect-timeout=3 ping
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/seats-mariadb-entrypoint"]
