#include "sse_stream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace bench {
namespace {

struct Target {
  sockaddr_in addr{};
  std::string host_port;
  std::string path;
};

Target parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) throw std::runtime_error("not http: " + url);
  size_t host_start = scheme.size();
  size_t path_start = url.find('/', host_start);
  Target t;
  t.host_port = url.substr(host_start, path_start - host_start);
  t.path = path_start == std::string::npos ? "/" : url.substr(path_start);
  size_t colon = t.host_port.rfind(':');
  std::string host = t.host_port.substr(0, colon);
  int port = colon == std::string::npos ? 80 : std::atoi(t.host_port.c_str() + colon + 1);
  t.addr.sin_family = AF_INET;
  t.addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &t.addr.sin_addr) != 1) {
    throw std::runtime_error("the stream's host must be an IPv4 address: " + url);
  }
  return t;
}

}  // namespace

SseStream::SseStream(CurlLoop& loop, const std::string& url, Handlers handlers)
    : loop_(loop), handlers_(std::move(handlers)) {
  Target t = parse_url(url);
  request_ = "GET " + t.path + " HTTP/1.1\r\nHost: " + t.host_port +
             "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&t.addr), sizeof t.addr) != 0 &&
      errno != EINPROGRESS) {
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  }
  loop_.watch(fd_, EPOLLOUT, &SseStream::on_ready, this);
}

SseStream::~SseStream() { close(); }

void SseStream::close() {
  if (fd_ < 0) return;
  loop_.unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
}

void SseStream::on_ready(void* self, uint32_t events) {
  auto* s = static_cast<SseStream*>(self);
  if (s->sent_ < s->request_.size()) {
    if (events & (EPOLLERR | EPOLLHUP)) return s->closed_by_server();
    s->send_request();
  } else {
    s->read_some();
  }
}

void SseStream::send_request() {
  ssize_t n = send(fd_, request_.data() + sent_, request_.size() - sent_, MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) closed_by_server();
    return;
  }
  sent_ += static_cast<size_t>(n);
  if (sent_ == request_.size()) loop_.watch(fd_, EPOLLIN, &SseStream::on_ready, this);
}

// One recv() per wake-up: epoll is level-triggered, so what is left comes next round, and
// a stream that had one event to read costs one system call, not two.
void SseStream::read_some() {
  char buf[16384];
  ssize_t n = recv(fd_, buf, sizeof buf, 0);
  if (n > 0) return take(buf, static_cast<size_t>(n));
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  closed_by_server();
}

void SseStream::take(const char* data, size_t n) {
  if (!in_body_) {
    head_.append(data, n);
    size_t end = head_.find("\r\n\r\n");
    if (end == std::string::npos) return;
    std::string rest = head_.substr(end + 4);
    head_.resize(end + 2);
    if (!take_headers()) return;
    if (!rest.empty()) take(rest.data(), rest.size());
    return;
  }
  if (!chunked_) {
    handlers_.on_body(data, n);
    return;
  }
  take_chunked(data, n);
}

// The status line and Transfer-Encoding; the rest of the headers do not matter here.
bool SseStream::take_headers() {
  in_body_ = true;
  if (head_.compare(0, 5, "HTTP/") != 0) {
    closed_by_server();
    return false;
  }
  size_t space = head_.find(' ');
  status_ = space == std::string::npos ? 0 : std::atol(head_.c_str() + space + 1);
  size_t line = head_.find("\r\n");
  while (line != std::string::npos && line + 2 < head_.size()) {
    size_t next = head_.find("\r\n", line + 2);
    std::string header = head_.substr(line + 2, next - line - 2);
    if (strncasecmp(header.c_str(), "transfer-encoding:", 18) == 0 &&
        header.find("chunked") != std::string::npos) {
      chunked_ = true;
    }
    line = next;
  }
  head_.clear();
  if (handlers_.on_headers) handlers_.on_headers(status_);
  return fd_ >= 0;
}

void SseStream::take_chunked(const char* data, size_t n) {
  size_t i = 0;
  while (i < n && fd_ >= 0) {
    if (chunk_left_ > 0) {
      size_t part = std::min(chunk_left_, n - i);
      handlers_.on_body(data + i, part);
      i += part;
      chunk_left_ -= part;
      if (chunk_left_ == 0) chunk_crlf_ = 2;
    } else if (chunk_crlf_ > 0) {
      ++i;
      --chunk_crlf_;
    } else {
      const char* nl = static_cast<const char*>(std::memchr(data + i, '\n', n - i));
      size_t upto = nl == nullptr ? n : static_cast<size_t>(nl - data);
      chunk_line_.append(data + i, upto - i);
      i = upto;
      if (nl == nullptr) break;
      ++i;
      // "SIZE[;extensions]\r" in hex; the last chunk (size 0) ends the stream.
      chunk_left_ = std::strtoul(chunk_line_.c_str(), nullptr, 16);
      chunk_line_.clear();
      if (chunk_left_ == 0) return closed_by_server();
    }
  }
}

void SseStream::closed_by_server() {
  close();
  if (handlers_.on_closed) handlers_.on_closed();
}

}  // namespace bench
