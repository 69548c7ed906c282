// Holds N idle HTTP/1.1 keep-alive connections open against nginx while a benchmark
// scenario runs, the way a crowd of browsers with an open page does.
//
//   idle_clients HOST PORT N PATH READY_FILE MAX_SECONDS
//
// Each connection sends one GET PATH and reads its answer (keep-alive), then stays idle.
// When READY_FILE has been written the connections are all open; the holding phase ends
// at SIGUSR1/SIGTERM or after MAX_SECONDS. Any connection the server closes meanwhile is
// counted. At the end every connection still open sends GET PATH once more and must get
// 200 on the same connection. Prints one JSON object; exits 1 if anything failed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

// True once `data` holds a whole chunked body starting at `at` (RFC 9112 7.1): nginx sends
// FastCGI answers chunked because seatd gives no Content-Length.
bool chunked_complete(const std::string& data, size_t at) {
  while (true) {
    size_t line_end = data.find("\r\n", at);
    if (line_end == std::string::npos) return false;
    size_t size = std::strtoul(data.c_str() + at, nullptr, 16);
    at = line_end + 2;
    if (size == 0) return data.find("\r\n", at) != std::string::npos;  // no trailers here
    if (data.size() < at + size + 2) return false;
    at += size + 2;
  }
}

// Reads one HTTP response (Content-Length or chunked body) from a blocking socket with a
// receive timeout. Returns the status code, or -1 on close/timeout/garbage.
int read_response(int fd) {
  std::string data;
  char buf[4096];
  size_t header_end = std::string::npos;
  long content_length = -1;
  bool chunked = false;
  while (true) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return -1;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      std::string headers = data.substr(0, header_end);
      for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t at = headers.find("\r\ncontent-length:");
      if (at != std::string::npos) {
        content_length = std::atol(headers.c_str() + at + 17);
      } else if (headers.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
        chunked = true;
      } else {
        return -1;  // a keep-alive answer needs one of the two
      }
    }
    bool complete = chunked ? chunked_complete(data, header_end + 4)
                            : data.size() >= header_end + 4 + static_cast<size_t>(content_length);
    if (complete) {
      if (data.compare(0, 9, "HTTP/1.1 ") != 0) return -1;
      return std::atoi(data.c_str() + 9);
    }
  }
}

bool send_all(int fd, const std::string& text) {
  size_t sent = 0;
  while (sent < text.size()) {
    ssize_t n = send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: idle_clients HOST PORT N PATH READY_FILE MAX_SECONDS\n");
    return 2;
  }
  const char* host = argv[1];
  int port = std::atoi(argv[2]);
  int count = std::atoi(argv[3]);
  std::string request = std::string("GET ") + argv[4] + " HTTP/1.1\r\nHost: " + host +
                        "\r\nUser-Agent: seats-bench-idle\r\n\r\n";
  const char* ready_file = argv[5];
  int max_seconds = std::atoi(argv[6]);
  signal(SIGUSR1, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    std::fprintf(stderr, "idle_clients: HOST must be an IPv4 address\n");
    return 2;
  }
  timeval timeout{10, 0};
  std::vector<int> fds;
  int connect_failed = 0, first_failed = 0;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      ++connect_failed;
      continue;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ++connect_failed;
      close(fd);
      continue;
    }
    if (!send_all(fd, request) || read_response(fd) != 200) {
      ++first_failed;
      close(fd);
      continue;
    }
    fds.push_back(fd);
  }
  if (FILE* f = std::fopen(ready_file, "w")) {
    std::fprintf(f, "%zu\n", fds.size());
    std::fclose(f);
  }

  // Idle phase: a readable socket means the server closed it (or sent something unasked).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(max_seconds);
  std::vector<pollfd> polls;
  for (int fd : fds) polls.push_back({fd, POLLIN | POLLRDHUP, 0});
  int closed_while_idle = 0;
  while (!g_stop && std::chrono::steady_clock::now() < deadline && !polls.empty()) {
    int n = poll(polls.data(), polls.size(), 200);
    if (n <= 0) continue;
    std::vector<pollfd> keep;
    for (const pollfd& p : polls) {
      if (p.revents != 0) {
        ++closed_while_idle;
        close(p.fd);
      } else {
        keep.push_back({p.fd, p.events, 0});
      }
    }
    polls.swap(keep);
  }

  // Final check: every surviving connection is still served, on the same connection.
  int final_ok = 0, final_failed = 0;
  for (const pollfd& p : polls) {
    if (send_all(p.fd, request) && read_response(p.fd) == 200) {
      ++final_ok;
    } else {
      ++final_failed;
    }
    close(p.fd);
  }
  bool clean = connect_failed == 0 && first_failed == 0 && closed_while_idle == 0 &&
               final_failed == 0 && final_ok == count;
  std::printf(
      "{\"requested\":%d,\"opened\":%zu,\"connect_failed\":%d,\"first_request_failed\":%d,"
      "\"closed_while_idle\":%d,\"final_ok\":%d,\"final_failed\":%d,\"clean\":%s}\n",
      count, fds.size(), connect_failed, first_failed, closed_while_idle, final_ok, final_failed,
      clean ? "true" : "false");
  return clean ? 0 : 1;
}
