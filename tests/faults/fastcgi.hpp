// A minimal FastCGI client (responder role, one request per connection), enough to talk
// to a seatd pool directly, without nginx in front.
#pragma once

#include <map>
#include <string>

namespace faults {

struct FastCgiAnswer {
  int status = 0;  // from the CGI "Status:" header (200 when absent); 0 if the exchange failed
  std::string headers;
  std::string body;
  std::string error;  // why the exchange failed
};

// Sends one request to the Unix socket `socket_path` and reads the whole answer.
// `params` are the CGI variables (REQUEST_METHOD, SCRIPT_NAME, HTTP_AUTHORIZATION ...);
// CONTENT_LENGTH is set from `body` unless `params` has one, which is then sent as it is
// (a test forging the length: any text, even one that does not match the body).
FastCgiAnswer FastCgiRequest(const std::string& socket_path,
                             std::map<std::string, std::string> params, const std::string& body,
                             int timeout_seconds);

// True when something accepts connections on the Unix socket.
bool SocketAccepts(const std::string& socket_path);

}  // namespace faults
