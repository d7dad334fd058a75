#pragma once
// One HTTP request as the station's handlers see it (already read whole and within limits by
// station/http/server), and the response they give back. Plain values: handlers can be tested
// without a socket, and the network library stays inside server.cpp.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onair::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;       // as sent: "GET", "POST", ...
  std::string target;       // as sent: "/api/status?token=x"
  std::string path;         // percent-decoded, without the query: "/api/status"
  Fields query;             // percent-decoded name/value pairs, in order
  Fields headers;           // names as sent
  std::string body;
  std::string remote_addr;  // "127.0.0.1"

  // Case-insensitive header lookup; the first one wins.
  std::optional<std::string> header(std::string_view name) const;
  bool has_header(std::string_view name) const { return header(name).has_value(); }
  std::optional<std::string> param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type
  std::string body;
  Fields headers;
};

// "%41b+c" -> "Ab c" (query rules when `plus_is_space`); bad escapes are kept as they are.
std::string percent_decode(std::string_view text, bool plus_is_space);

// Splits a request target into its decoded path and query pairs.
void split_target(std::string_view target, std::string& path, Fields& query);

bool iequals(std::string_view a, std::string_view b);

}  // namespace onair::http
