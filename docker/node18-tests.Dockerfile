# The browser and contract suites on a fresh Debian 12's own Node.js (18.x, `nodejs` and
# `npm` from apt) and Debian's chromium: what a newcomer's machine runs (issue 12). Built
# and run by scripts/lib/phase_node18.sh; the test sources are copied in at run time, so
# only the apt packages and the npm trees (from the committed lock files) are layers here.
#
# Build context: a folder holding browser/ and contract/, each with package.json and
# package-lock.json only (the phase makes it), so a lock change rebuilds just its layer.
FROM debian:bookworm-slim

# Debian's packages only: nodejs + npm (not a NodeSource build), chromium for playwright-core
# (no browser download), a font so pages lay out as they do on a desktop, and zbar-tools
# (zbarimg) for the tickets suite, which decodes the QR code My bookings shows.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      nodejs npm chromium zbar-tools fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && update-ca-certificates

# Node.js keeps its own CA list: give it the system one too, which holds the extra CA
# certificates of the machine the base image was made on (none on a user's machine).
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false \
    CHROMIUM=/usr/bin/chromium

# Same tree as the checkout: tests/browser, tests/contract and docs/ (the contract suite
# reads ../../docs/openapi.yaml) under /seats.
WORKDIR /seats/tests
COPY browser/package.json browser/package-lock.json browser/
RUN cd browser && npm ci --no-audit --no-fund --loglevel=error
COPY contract/package.json contract/package-lock.json contract/
RUN cd contract && npm ci --no-audit --no-fund --loglevel=error
