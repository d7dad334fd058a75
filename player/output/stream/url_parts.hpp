#pragma once
// Pieces shared by the stream outputs' URL spellings (icecast://, listen://, rtp://): numbers,
// %-escapes and the `?key=value&…` query. Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onair {

// A whole decimal integer, nothing else around it.
std::optional<int> parse_int(std::string_view s) noexcept;

// %XX escapes decoded (a password with '@' in it is written %40); nullopt when malformed.
std::optional<std::string> percent_decode(std::string_view s);

// The query's pairs in order, values decoded; nullopt with `bad` set to the pair that has a
// malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> split_query(std::string_view query, std::string& bad);

// The parameters every stream output takes: `bitrate` (8…320 kbit/s), `mono` (0 or 1),
// `delay` (0…10000 ms). True if `key` is one of them (then `error` is set when its value is
// bad, and the field is left alone); false for any other key.
bool take_stream_param(const std::string& key, const std::string& value, int& bitrate_kbps, bool& mono,
                       std::chrono::milliseconds& delay, std::string& error);

// "HOST:PORT" split; the host may be an [IPv6] literal (brackets removed). nullopt when the
// port is missing or not 1…65535 (`why` says which).
struct HostPort {
  std::string host;
  int port = 0;
};
std::optional<HostPort> split_host_port(std::string_view authority, std::optional<int> default_port, std::string& why);

}  // namespace onair
