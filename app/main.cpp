// seatd: the seat reservation service. Reads its settings, binds the FastCGI socket
// nginx talks to, and hands over to the pre-fork master.
#include <fcgiapp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "master.hpp"
#include "settings.hpp"

namespace {

constexpr int kListenBacklog = 1024;

// A path (contains '/') is a Unix socket, created fresh with the configured mode;
// anything else is host:port. libfcgi's ":port" would listen on every interface.
int open_listen_socket(const seats::Settings& settings) {
  const std::string& where = settings.fcgi_socket;
  bool is_path = where.find('/') != std::string::npos;
  if (!is_path && where.front() == ':') {
    std::fprintf(stderr, "FCGI_SOCKET: give a host, e.g. 127.0.0.1%s\n", where.c_str());
    return -1;
  }
  if (is_path) unlink(where.c_str());
  // Create the socket file with no permissions for others from the start.
  mode_t old_mask = umask(0177);
  int fd = FCGX_OpenSocket(where.c_str(), kListenBacklog);
  umask(old_mask);
  if (fd < 0) {
    std::fprintf(stderr, "FCGI_SOCKET: cannot listen on %s: %s\n", where.c_str(),
                 std::strerror(errno));
    return -1;
  }
  if (is_path && chmod(where.c_str(), static_cast<mode_t>(settings.fcgi_socket_mode)) != 0) {
    std::fprintf(stderr, "FCGI_SOCKET: chmod %s: %s\n", where.c_str(), std::strerror(errno));
    return -1;
  }
  // Workers wait for connections in ppoll (see worker.cpp); all of them wake for one, and
  // the losers' accept must come back empty rather than block. Accepted sockets do not
  // inherit the flag, so requests are still read and written blocking.
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    std::fprintf(stderr, "FCGI_SOCKET: cannot make %s non-blocking: %s\n", where.c_str(),
                 std::strerror(errno));
    return -1;
  }
  return fd;
}

}  // namespace

int main() {
  seats::Settings settings;
  try {
    settings = seats::load_settings();
  } catch (const seats::SettingsError& e) {
    std::fprintf(stderr, "seatd: %s\n", e.message.c_str());
    return 2;
  }
  std::setvbuf(stderr, nullptr, _IOLBF, 0);
  if (FCGX_Init() != 0) return 1;
  int fd = open_listen_socket(settings);
  if (fd < 0) return 1;
  return seats::run_master(settings, fd);
}
