# The Debian package (scripts/package: the "package" presets). Install rules put every file
# where the package ships it; CPack's DEB generator makes dist/seats_<version>_amd64.deb,
# its Depends computed by dpkg-shlibdeps from seatd's libraries plus what nginx's site file
# and seats-admin need. Included by the top-level CMakeLists.txt when SEATS_PACKAGE is on,
# with CMAKE_INSTALL_PREFIX=/usr.

set(SEATS_PKG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(SEATS_PKG_OUT ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${SEATS_PKG_OUT}/systemd ${SEATS_PKG_OUT}/doc)

# ---- Generated files ---------------------------------------------------------------------
# /etc/seats/seats.conf: every setting of seats.conf.example, with the package's defaults.
add_custom_command(
  OUTPUT ${SEATS_PKG_OUT}/seats.conf
  COMMAND ${SEATS_PKG_DIR}/make-conf.sh ${PROJECT_SOURCE_DIR}/seats.conf.example
          ${SEATS_PKG_DIR}/seats.conf.package ${SEATS_PKG_OUT}/seats.conf
  DEPENDS ${SEATS_PKG_DIR}/make-conf.sh ${PROJECT_SOURCE_DIR}/seats.conf.example
          ${SEATS_PKG_DIR}/seats.conf.package
  COMMENT "Generating the package's seats.conf")
# /etc/nginx/sites-available/seats: conf/nginx/seats.conf.in through render.sh --site.
add_custom_command(
  OUTPUT ${SEATS_PKG_OUT}/nginx-site
  COMMAND ${SEATS_PKG_DIR}/render-site.sh ${SEATS_PKG_DIR}/seats.conf.package
          ${SEATS_PKG_OUT}/nginx-site
  DEPENDS ${SEATS_PKG_DIR}/render-site.sh ${SEATS_PKG_DIR}/seats.conf.package
          ${PROJECT_SOURCE_DIR}/conf/nginx/render.sh ${PROJECT_SOURCE_DIR}/conf/nginx/seats.conf.in
  COMMENT "Rendering the package's nginx site")
# Debian wants the changelog compressed, without a time stamp in the gzip header.
add_custom_command(
  OUTPUT ${SEATS_PKG_OUT}/doc/changelog.gz
  COMMAND gzip -9nc ${SEATS_PKG_OUT}/doc/changelog > ${SEATS_PKG_OUT}/doc/changelog.gz
  DEPENDS ${SEATS_PKG_OUT}/doc/changelog
  COMMENT "Compressing the package changelog")
set(SEATS_PKG_MAN)
foreach(page seatd.8 seats-admin.8)
  add_custom_command(
    OUTPUT ${SEATS_PKG_OUT}/doc/${page}.gz
    COMMAND gzip -9nc ${SEATS_PKG_DIR}/man/${page} > ${SEATS_PKG_OUT}/doc/${page}.gz
    DEPENDS ${SEATS_PKG_DIR}/man/${page}
    COMMENT "Compressing the manual page ${page}")
  list(APPEND SEATS_PKG_MAN ${SEATS_PKG_OUT}/doc/${page}.gz)
endforeach()
add_custom_target(seats_package_files ALL
  DEPENDS ${SEATS_PKG_OUT}/seats.conf ${SEATS_PKG_OUT}/nginx-site ${SEATS_PKG_OUT}/doc/changelog.gz
          ${SEATS_PKG_MAN})

# One unit template, two pools: the API (all of /api/v1 but login and register) and the
# login pool, sized by LOGIN_WORKERS (a setting seatd itself does not read).
set(POOL_UNIT seats.service)
set(POOL_WHAT "the API")
set(POOL api)
set(POOL_TAG seatd)
set(POOL_EXEC /usr/sbin/seatd)
# Only the API pool changes seats, so only it publishes seat events (and may reach the socket).
set(POOL_EVENTS "# Seat events go to nchan's publisher in nginx (the site's \"Seat events\" server), in
# /run/seats-events (root:seats 0750, /usr/lib/tmpfiles.d/seats.conf; nginx makes the socket
# 0666, so the directory is the guard). The group seats lets this pool through: systemd gives
# User= only the groups /etc/group lists it in, not its own primary group. ProtectSystem=strict
# leaves the path read-only, which connect() does not mind.
Environment=EVENTS_SOCKET=/run/seats-events/events.sock
SupplementaryGroups=seats")
configure_file(${SEATS_PKG_DIR}/systemd/seats-pool.service.in
               ${SEATS_PKG_OUT}/systemd/seats.service @ONLY)
set(POOL_UNIT seats-login.service)
set(POOL_WHAT "login and register")
set(POOL login)
set(POOL_TAG seatd-login)
set(POOL_EVENTS "# Login and register change no seats: this pool publishes no seat events.")
# The login pool runs no mailer: the API pool's is the host's one.
set(POOL_EXEC "/bin/sh -c 'WORKERS=\"$\${LOGIN_WORKERS:-2}\" MAILER=0 exec /usr/sbin/seatd'")
configure_file(${SEATS_PKG_DIR}/systemd/seats-pool.service.in
               ${SEATS_PKG_OUT}/systemd/seats-login.service @ONLY)

# The changelog's one entry names this version; its date is the last commit's, so two builds
# of one commit make the same file.
execute_process(
  COMMAND git -C ${PROJECT_SOURCE_DIR} log -1 --format=%cD
  OUTPUT_VARIABLE SEATS_PKG_DATE OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT SEATS_PKG_DATE)
  string(TIMESTAMP SEATS_PKG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
set(SEATS_PKG_MAINTAINER "Seats maintainers <maintainers@users.noreply.r-seed-fae1b5a2.example>")
configure_file(${SEATS_PKG_DIR}/debian/changelog.in ${SEATS_PKG_OUT}/doc/changelog @ONLY)

# ---- Install rules -----------------------------------------------------------------------
install(TARGETS seatd RUNTIME DESTINATION sbin)
install(PROGRAMS ${SEATS_PKG_DIR}/seats-admin DESTINATION sbin)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/lib/migrate.sh ${PROJECT_SOURCE_DIR}/scripts/lib/roles.sh
        DESTINATION share/seats/lib)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sql/migrations DESTINATION share/seats/sql
        FILES_MATCHING PATTERN "[0-9][0-9][0-9][0-9]_*.sql")
install(FILES ${PROJECT_SOURCE_DIR}/sql/demo.sql DESTINATION share/seats/sql)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/ DESTINATION share/seats/web
        FILES_MATCHING PATTERN "*.html" PATTERN "*.css" PATTERN "*.js")
# MariaDB settings for a 1 GB VPS, for an operator to link into /etc/mysql/mariadb.conf.d/.
install(FILES ${PROJECT_SOURCE_DIR}/conf/mariadb/seats.cnf DESTINATION share/seats/mariadb)
# /run/seats-events at every boot, before nginx starts (its site listens there).
install(FILES ${SEATS_PKG_DIR}/tmpfiles.d/seats.conf DESTINATION lib/tmpfiles.d)
install(FILES ${SEATS_PKG_OUT}/systemd/seats.service ${SEATS_PKG_OUT}/systemd/seats-login.service
        DESTINATION /lib/systemd/system)
# Conffiles. seats.conf holds secrets: 0640, group seats from postinst (the group does not
# exist when dpkg unpacks it).
install(FILES ${SEATS_PKG_OUT}/seats.conf DESTINATION /etc/seats
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${SEATS_PKG_OUT}/nginx-site DESTINATION /etc/nginx/sites-available RENAME seats)
install(FILES ${SEATS_PKG_MAN} DESTINATION share/man/man8)
install(FILES ${SEATS_PKG_DIR}/debian/lintian-overrides DESTINATION share/lintian/overrides
        RENAME seats)
install(FILES ${SEATS_PKG_DIR}/debian/copyright ${SEATS_PKG_DIR}/debian/README.Debian
              ${SEATS_PKG_OUT}/doc/changelog.gz
        DESTINATION share/doc/seats)

# ---- CPack -------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME seats)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CONTACT "${SEATS_PKG_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SEATS_PKG_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "movie-seat reservations behind nginx over MariaDB")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "seats is a FastCGI service (seatd) that lets many customers hold and
book cinema seats at once without ever selling one seat twice: each hold
is a short transaction that locks the seat row, and holds lapse by the
database clock.

This package ships seatd with systemd units for its two worker pools (the
API and login), an nginx site, the database schema and its migrations, and
seats-admin, which initialises, migrates, backs up and restores the
database and sets users' roles.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Beyond seatd's libraries: nginx serves the site, with nchan for the seat events
# (libnginx-mod-nchan, which Debian's nginx.conf loads through modules-enabled/); mariadb-client
# is what seats-admin runs (mariadb, mariadb-dump); adduser makes the user in postinst; init-system-helpers has
# deb-systemd-helper and deb-systemd-invoke; tzdata is what theatre time zones are checked
# against.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "nginx, libnginx-mod-nchan, mariadb-client, adduser, tzdata, init-system-helpers (>= 1.54~)")
# The database may live on another server, so the server is not a hard dependency; on the
# one-VPS setup it is the usual companion (conf/mariadb/seats.cnf is sized for it), and
# apt installs recommended packages by default.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "mariadb-server")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "curl")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SEATS_PKG_DIR}/debian/conffiles ${SEATS_PKG_DIR}/debian/postinst
    ${SEATS_PKG_DIR}/debian/prerm ${SEATS_PKG_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
