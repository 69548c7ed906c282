#include "support/client.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "support/env.hpp"

namespace seats_test {

namespace {

constexpr int kHostsPerBlock = 254;                  // x.y.1 .. x.y.254
constexpr int kAddressSpace = 256 * kHostsPerBlock;  // 127.1.0.1 .. 127.1.255.254
constexpr long kTimeoutSeconds = 60;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* user) {
  AddHeaderLine(*static_cast<std::map<std::string, std::string>*>(user),
                std::string(data, size * count));
  return size * count;
}

}  // namespace

void CurlGlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_ALL); });
}

void AddHeaderLine(std::map<std::string, std::string>& headers, const std::string& line) {
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();
    return;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos) return;
  const std::string name = Lower(Trim(line.substr(0, colon)));
  const std::string value = Trim(line.substr(colon + 1));
  auto [it, inserted] = headers.emplace(name, value);
  if (!inserted) it->second += ", " + value;
}

std::string Response::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::set<std::string> Response::header_items(const std::string& lower_name) const {
  std::set<std::string> out;
  std::stringstream in(header(lower_name));
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(
        std::remove_if(item.begin(), item.end(), [](unsigned char c) { return std::isspace(c); }),
        item.end());
    if (!item.empty()) out.insert(item);
  }
  return out;
}

std::string Response::media_type() const {
  std::string ct = header("content-type");
  const auto semi = ct.find(';');
  if (semi != std::string::npos) ct.resize(semi);
  return Lower(Trim(ct));
}

std::string Response::describe() const {
  constexpr std::size_t kMaxBody = 600;
  std::string shown = body.size() > kMaxBody ? body.substr(0, kMaxBody) + "..." : body;
  std::string out = "request: " + request + "\n  answer: " + std::to_string(status);
  if (status == 0) out += " (transfer failed: " + error + ")";
  out += " content-type=\"" + header("content-type") + "\" body=" + shown;
  return out;
}

Request Auth(std::string token) {
  Request r;
  r.token = std::move(token);
  return r;
}

Request JsonBody(Json body, std::string token) {
  Request r;
  r.json = std::move(body);
  r.token = std::move(token);
  return r;
}

Request RawBody(std::string raw, std::string token) {
  Request r;
  r.raw = std::move(raw);
  r.has_raw = true;
  r.token = std::move(token);
  return r;
}

std::string NextSourceAddress() {
  static std::atomic<int> next{
      static_cast<int>((static_cast<long>(getpid()) * 7919L) % kAddressSpace)};
  const int n = next.fetch_add(1) % kAddressSpace;
  return "127.1." + std::to_string(n / kHostsPerBlock) + "." +
         std::to_string(n % kHostsPerBlock + 1);
}

Client::Client() : Client(NextSourceAddress()) {}

Client::Client(std::string source_address) : curl_(nullptr), source_(std::move(source_address)) {
  CurlGlobalInitOnce();
  curl_ = curl_easy_init();
  if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

Client::Client(Client&& other) noexcept : curl_(other.curl_), source_(std::move(other.source_)) {
  other.curl_ = nullptr;
}

Client::~Client() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Response Client::send(const std::string& method, const std::string& path, const Request& req) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);  // keeps the open connection

  Response r;
  std::string body;
  const bool has_body = req.has_raw || req.json.present();
  if (req.has_raw)
    body = req.raw;
  else if (req.json.present())
    body = req.json.dump();
  r.request = method + " " + path + (has_body ? " " + body : std::string());
  if (!req.token.empty()) r.request += " [bearer]";

  const std::string url = settings().base_url + path;
  const std::string interface = "host!" + source_;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, kTimeoutSeconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  if (method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (has_body || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  if (has_body) headers = curl_slist_append(headers, "Content-Type: application/json");
  const std::string auth = "Authorization: Bearer " + req.token;
  if (!req.token.empty()) headers = curl_slist_append(headers, auth.c_str());
  for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);

  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    r.status = 0;
    r.error = curl_easy_strerror(rc);
    return r;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  r.json = Json::parse(r.body);
  return r;
}

}  // namespace seats_test
