#include "fastcgi.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace faults {
namespace {

// FastCGI 1.0 record types and the one role we play.
constexpr unsigned char kVersion = 1;
constexpr unsigned char kBeginRequest = 1;
constexpr unsigned char kEndRequest = 3;
constexpr unsigned char kParams = 4;
constexpr unsigned char kStdin = 5;
constexpr unsigned char kStdout = 6;
constexpr unsigned char kResponder = 1;
constexpr unsigned char kRequestId = 1;
constexpr std::size_t kMaxContent = 65535;

int Connect(const std::string& path, int timeout_seconds) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{timeout_seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    close(fd);
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void AppendRecord(std::string& out, unsigned char type, const std::string& content) {
  std::size_t offset = 0;
  do {
    const std::size_t n = std::min(kMaxContent, content.size() - offset);
    const unsigned char header[8] = {kVersion,
                                     type,
                                     0,
                                     kRequestId,
                                     static_cast<unsigned char>(n >> 8),
                                     static_cast<unsigned char>(n & 0xff),
                                     0,
                                     0};
    out.append(reinterpret_cast<const char*>(header), sizeof header);
    out.append(content, offset, n);
    offset += n;
  } while (offset < content.size());
}

void AppendLength(std::string& out, std::size_t n) {
  if (n < 128) {
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(static_cast<char>(((n >> 24) & 0x7f) | 0x80));
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
  }
}

bool WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool ReadExactly(int fd, char* buffer, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = read(fd, buffer + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

FastCgiAnswer FastCgiRequest(const std::string& socket_path,
                             std::map<std::string, std::string> params, const std::string& body,
                             int timeout_seconds) {
  FastCgiAnswer answer;
  const int fd = Connect(socket_path, timeout_seconds);
  if (fd < 0) {
    answer.error = "connect: " + std::string(std::strerror(errno));
    return answer;
  }
  params.try_emplace("CONTENT_LENGTH", std::to_string(body.size()));
  std::string request;
  const std::string begin = {0, static_cast<char>(kResponder), 0, 0, 0, 0, 0, 0};
  AppendRecord(request, kBeginRequest, begin);
  std::string encoded;
  for (const auto& [name, value] : params) {
    AppendLength(encoded, name.size());
    AppendLength(encoded, value.size());
    encoded += name + value;
  }
  AppendRecord(request, kParams, encoded);
  AppendRecord(request, kParams, "");
  if (!body.empty()) AppendRecord(request, kStdin, body);
  AppendRecord(request, kStdin, "");
  if (!WriteAll(fd, request)) {
    answer.error = "write: " + std::string(std::strerror(errno));
    close(fd);
    return answer;
  }

  std::string out;
  bool ended = false;
  while (!ended) {
    unsigned char header[8];
    if (!ReadExactly(fd, reinterpret_cast<char*>(header), sizeof header)) break;
    const std::size_t length = (static_cast<std::size_t>(header[4]) << 8) | header[5];
    std::string content(length + header[6], '\0');
    if (!ReadExactly(fd, content.data(), content.size())) break;
    content.resize(length);
    if (header[1] == kStdout) out += content;
    if (header[1] == kEndRequest) ended = true;
  }
  close(fd);
  if (!ended) {
    answer.error = "the connection ended before FCGI_END_REQUEST";
    return answer;
  }
  const auto split = out.find("\r\n\r\n");
  answer.headers = out.substr(0, split);
  answer.body = split == std::string::npos ? "" : out.substr(split + 4);
  answer.status = 200;
  const auto status = answer.headers.find("Status:");
  if (status != std::string::npos) answer.status = std::atoi(answer.headers.c_str() + status + 7);
  return answer;
}

bool SocketAccepts(const std::string& socket_path) {
  const int fd = Connect(socket_path, 1);
  if (fd < 0) return false;
  close(fd);
  return true;
}

}  // namespace faults
