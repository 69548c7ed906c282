#pragma once

#include "catalogue/show_versions.hpp"
#include "settings.hpp"

namespace seats {

// Serves FastCGI requests from `listen_fd` until told to stop (SIGTERM: finish the
// request in hand, then exit 0). Opens its own database connection. `show_versions` is
// the pool's shared table (see ShowVersions).
int run_worker(const Settings& settings, int listen_fd, ShowVersions& show_versions);

}  // namespace seats
