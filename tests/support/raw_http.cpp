#include "support/raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>

#include "support/env.hpp"

namespace seats_test {

namespace {

constexpr int kTimeoutSeconds = 10;

struct Endpoint {
  std::string host;
  int port = 80;
};

// SEATS_URL is http://host:port[/...]; the stack always listens on a loopback address.
Endpoint TargetEndpoint() {
  std::string url = settings().base_url;
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) == 0) url.erase(0, scheme.size());
  url = url.substr(0, url.find('/'));
  Endpoint e;
  const auto colon = url.rfind(':');
  e.host = colon == std::string::npos ? url : url.substr(0, colon);
  if (colon != std::string::npos) e.port = std::stoi(url.substr(colon + 1));
  if (e.host == "localhost") e.host = "127.0.0.1";
  return e;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// The body decoded from chunked framing, or nullopt while the last chunk has not arrived.
std::optional<std::string> Dechunk(const std::string& framed) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const auto line_end = framed.find("\r\n", at);
    if (line_end == std::string::npos) return std::nullopt;
    std::size_t size = 0;
    try {
      size = std::stoul(framed.substr(at, line_end - at), nullptr, 16);
    } catch (const std::exception&) {
      return out;  // not chunked after all: keep what there is
    }
    at = line_end + 2;
    if (size == 0) return out;
    if (framed.size() < at + size + 2) return std::nullopt;
    out += framed.substr(at, size);
    at += size + 2;
  }
}

// Fills status and headers from the head of an answer; false if the status line is not HTTP.
bool ParseHead(const std::string& head, Response& r) {
  const auto first_end = head.find("\r\n");
  const std::string status_line = head.substr(0, first_end);
  if (status_line.rfind("HTTP/", 0) != 0) return false;
  const auto space = status_line.find(' ');
  if (space == std::string::npos) return false;
  r.status = std::strtol(status_line.c_str() + space + 1, nullptr, 10);
  std::size_t at = first_end == std::string::npos ? head.size() : first_end + 2;
  while (at < head.size()) {
    auto end = head.find("\r\n", at);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(at, end - at);
    at = end + 2;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = Lower(Trim(line.substr(0, colon)));
    const std::string value = Trim(line.substr(colon + 1));
    auto [it, inserted] = r.headers.emplace(name, value);
    if (!inserted) it->second += ", " + value;
  }
  return true;
}

// True once `received` holds a whole answer (head and body as its framing says); sets r.
bool Complete(const std::string& received, Response& r) {
  const auto head_end = received.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  r.headers.clear();
  if (!ParseHead(received.substr(0, head_end), r)) return false;
  const std::string rest = received.substr(head_end + 4);
  if (r.status == 204 || r.status == 304) {
    r.body.clear();
    return true;
  }
  if (Lower(r.header("transfer-encoding")).find("chunked") != std::string::npos) {
    const auto body = Dechunk(rest);
    if (body) r.body = *body;
    return body.has_value();
  }
  const std::string length = r.header("content-length");
  if (!length.empty()) {
    const auto want = static_cast<std::size_t>(std::stoull(length));
    r.body = rest.substr(0, want);
    return rest.size() >= want;
  }
  r.body = rest;
  return false;  // framed by the close
}

}  // namespace

std::string RawRequest(const std::string& method, const std::string& target,
                       const std::vector<std::string>& headers, const std::string& body) {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  out += "Connection: close\r\n";
  bool framed = false;
  for (const auto& h : headers) {
    const std::string name = Lower(h.substr(0, h.find(':')));
    framed = framed || name == "content-length" || name == "transfer-encoding";
    out += h + "\r\n";
  }
  if (!body.empty() && !framed) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return out + "\r\n" + body;
}

Response SendRaw(const std::string& bytes) {
  Response r;
  const auto line_end = bytes.find("\r\n");
  r.request = "raw: " + bytes.substr(0, std::min<std::size_t>(line_end, 200));
  const auto fail = [&r](const std::string& what) {
    r.status = 0;
    r.error = what + ": " + std::strerror(errno);
    return r;
  };

  Socket s;
  if (s.fd() < 0) return fail("socket");
  timeval timeout{kTimeoutSeconds, 0};
  setsockopt(s.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(s.fd(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, NextSourceAddress().c_str(), &local.sin_addr);
  if (::bind(s.fd(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return fail("bind");

  const Endpoint target = TargetEndpoint();
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(target.port));
  if (inet_pton(AF_INET, target.host.c_str(), &remote.sin_addr) != 1) {
    errno = EINVAL;
    return fail("SEATS_URL host " + target.host);
  }
  if (::connect(s.fd(), reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    return fail("connect");
  }

  // The server may answer and stop reading before the whole request is sent (a 413 for a
  // declared length): a failed send is not an error as long as an answer comes back.
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(s.fd(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }

  std::string received;
  char buffer[16384];
  while (!Complete(received, r)) {
    const ssize_t n = ::recv(s.fd(), buffer, sizeof buffer, 0);
    if (n > 0) {
      received.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (r.status != 0) break;  // closed (or timed out) after a head: what came is the answer
    return fail(n == 0 ? "closed without an answer" : "no answer");
  }
  r.json = Json::parse(r.body);
  return r;
}

}  // namespace seats_test
