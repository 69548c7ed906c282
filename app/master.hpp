#pragma once

#include "settings.hpp"

namespace seats {

// The pre-fork master (after nginx's master cycle): forks settings.workers workers on
// `listen_fd` and then only supervises. A worker that dies is replaced (with back-off
// when many die at once); SIGTERM/SIGINT drain the pool and exit; SIGHUP replaces the
// workers one at a time so the pool never stops serving.
int run_master(const Settings& settings, int listen_fd);

}  // namespace seats
