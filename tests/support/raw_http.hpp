// Requests libcurl will not send as they are: a malformed request line, a NUL byte in a
// header, a Content-Type of the test's choosing, a Content-Length with no body behind it.
// One TCP connection per request, from its own loopback address like every Client, so the
// rate limits never mix with other tests.
#pragma once

#include <string>
#include <vector>

#include "support/client.hpp"

namespace seats_test {

// Sends the bytes unchanged to the host and port of SEATS_URL and reads one answer, as far
// as its framing says (Content-Length, chunked, or until the server closes): nginx keeps
// reading a refused body for a while, so waiting for the close would cost seconds. status 0
// and error set when no answer came; request holds the first line sent.
Response SendRaw(const std::string& bytes);

// "METHOD target HTTP/1.1" with "Host" and "Connection: close", then the header lines as
// given, then the body with a Content-Length of its size unless a header line already sets
// Content-Length or Transfer-Encoding.
std::string RawRequest(const std::string& method, const std::string& target,
                       const std::vector<std::string>& headers = {}, const std::string& body = {});

}  // namespace seats_test
