#pragma once

#include "settings.hpp"

namespace seats {

// Serves FastCGI requests from `listen_fd` until told to stop (SIGTERM: finish the
// request in hand, then exit 0). Opens its own database connection.
int run_worker(const Settings& settings, int listen_fd);

}  // namespace seats
