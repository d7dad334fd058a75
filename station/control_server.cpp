#include "station/control_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "station/http/server.hpp"
#include "station/logging.hpp"
#include "station/control.hpp"
#include "scheduler/media_paths.hpp"

namespace onair {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::size_t kMaxBody = 64 * 1024;  // larger bodies: 400, refused while they are read
constexpr std::size_t kMaxTitle = 200;              // bytes
constexpr double kMinGain = -60.0, kMaxGain = 20.0;
constexpr std::int64_t kMinRepeat = 1, kMaxRepeat = 10;

std::shared_ptr<spdlog::logger> control_log() { return logger("control"); }

// Never throws on invalid UTF-8 (a value echoed in a message may contain anything).
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A value as it appears in a message: JSON text, shortened.
std::string describe(const json& v) {
  std::string s = dump(v);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}
std::string quote_json(const std::string& s) { return describe(json(s)); }

struct HttpError {
  int status;
  std::string message;
};

[[noreturn]] void bad_request(std::string message) { throw HttpError{400, std::move(message)}; }

void send_json(http::Response& res, int status, const json& body) {
  res.status = status;
  res.body = dump(body) + "\n";
  res.content_type = "application/json; charset=utf-8";
}

void send_error(http::Response& res, int status, const std::string& message) {
  send_json(res, status, json{{"error", message}});
}

bool has_control_char(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  // Length is not secret enough to matter; the content comparison does not short-circuit.
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The host part of a Host header: "localhost:8640", "[::1]:8640", "127.0.0.1".
std::string host_of_header(const std::string& value) {
  if (!value.empty() && value.front() == '[') {
    const auto close = value.find(']');
    return close == std::string::npos ? value : value.substr(1, close - 1);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, value.c_str(), &v6) == 1) return value;  // bare IPv6, no port
  const auto colon = value.rfind(':');
  return colon == std::string::npos ? value : value.substr(0, colon);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}


// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string strip_json_prefix(std::string what) {
  if (!what.empty() && what.front() == '[') {
    const auto end = what.find("] ");
    if (end != std::string::npos) what.erase(0, end + 2);
  }
  return what;
}

// The request body as a JSON object; an empty body is an empty object.
json parse_body(const http::Request& req) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    bad_request("request body is not valid JSON: " + strip_json_prefix(e.what()));
  }
  if (!body.is_object()) bad_request(std::string("request body must be a JSON object, got ") + body.type_name());
  return body;
}

void check_fields(const json& body, const std::vector<std::string>& allowed, const std::string& endpoint) {
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string accepted;
    for (const auto& a : allowed) accepted += (accepted.empty() ? "" : ", ") + a;
    bad_request("unknown field " + quote_json(key) + " (" + endpoint +
                (allowed.empty() ? " takes no fields)" : " accepts: " + accepted + ")"));
  }
}

struct ServerState;
struct Route {
  const char* method;
  const char* path;
  void (*handle)(ServerState&, const http::Request&, http::Response&);
};

}  // namespace

// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------

namespace {

struct ServerState {
  StationControl& station;
  ControlServerConfig config;
  fs::path media_root;   // absolute, normal
  std::mutex command_mutex;
  std::mutex status_mutex;

  ItemRequest parse_item(const json& body, bool break_in) const;
  std::string parse_file(const json& body) const;
  BulletinRequest parse_bulletin(const json& body) const;
  void command(const http::Request& req, http::Response& res, const std::string& what,
               const std::function<std::string()>& call);
};

// "file": a regular file inside the media root, as a path relative to it.
std::string ServerState::parse_file(const json& body) const {
  const auto file_it = body.find("file");
  if (file_it == body.end()) bad_request("\"file\" is required: a media file path relative to the media root");
  if (!file_it->is_string()) bad_request("\"file\" must be a string, got " + describe(*file_it));
  const std::string file = file_it->get<std::string>();
  if (file.empty()) bad_request("\"file\" is empty: give a media file path relative to the media root");
  if (has_control_char(file)) bad_request("\"file\" contains a control character: " + quote_json(file));
  if (fs::path(file).is_absolute())
    bad_request("\"file\" must be relative to the media root " + media_root.string() + ", got " + quote_json(file));
  const ResolvedPath resolved = resolve_media_path(media_root, file);
  if (!resolved.error.empty()) {
    if (resolved.error.rfind("path resolves", 0) == 0) bad_request("\"file\" " + quote_json(file) + ": " + resolved.error);
    bad_request("\"file\" " + quote_json(file) + " escapes the media root " + media_root.string());
  }
  fs::path path = resolved.path;
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (!fs::exists(st)) {
    // Typed in NFC, saved in NFD (or the reverse): the intent is clear, air the file that exists.
    auto other = find_other_normalization(path);
    if (!other) bad_request("\"file\" " + quote_json(file) + " not found in the media root " + media_root.string());
    control_log()->info("\"file\" {} matched {} (other Unicode normalization)", quote_json(file),
                quote_json(other->lexically_relative(media_root).string()));
    path = *other;
    st = fs::status(path, ec);
  }
  if (!fs::is_regular_file(st)) bad_request("\"file\" " + quote_json(file) + " is not a regular file");
  return path.lexically_relative(media_root).generic_string();
}

std::string parse_title(const json& body) {
  std::string title;
  if (const auto it = body.find("title"); it != body.end()) {
    if (!it->is_string()) bad_request("\"title\" must be a string, got " + describe(*it));
    title = it->get<std::string>();
    if (title.size() > kMaxTitle)
      bad_request("\"title\" is too long: " + std::to_string(title.size()) + " bytes (limit " +
                  std::to_string(kMaxTitle) + ")");
    if (has_control_char(title)) bad_request("\"title\" contains a control character: " + quote_json(title));
  }
  return title;
}

double parse_gain(const json& body) {
  double gain = 0.0;
  if (const auto it = body.find("gain_db"); it != body.end()) {
    const auto range = "\"gain_db\" must be a number from -60 to 20 (dB), got " + describe(*it);
    if (!it->is_number()) bad_request(range);
    gain = it->get<double>();
    if (!std::isfinite(gain) || gain < kMinGain || gain > kMaxGain) bad_request(range);
  }
  return gain;
}

std::int64_t parse_whole(const json& body, const char* name, std::int64_t low, std::int64_t high, std::int64_t otherwise,
                         const char* unit = "") {
  const auto it = body.find(name);
  if (it == body.end()) return otherwise;
  const auto range = fmt::format("\"{}\" must be a whole number from {} to {}{}, got {}", name, low, high, unit, describe(*it));
  if (!it->is_number_integer()) bad_request(range);
  const bool in_range = it->is_number_unsigned()
                            ? it->get<std::uint64_t>() >= static_cast<std::uint64_t>(std::max<std::int64_t>(low, 0)) &&
                                  it->get<std::uint64_t>() <= static_cast<std::uint64_t>(high)
                            : it->get<std::int64_t>() >= low && it->get<std::int64_t>() <= high;
  if (!in_range) bad_request(range);
  return it->get<std::int64_t>();
}

ItemRequest ServerState::parse_item(const json& body, bool break_in) const {
  check_fields(body, break_in ? std::vector<std::string>{"file", "title", "gain_db", "repeat"}
                              : std::vector<std::string>{"file", "title", "gain_db"},
               break_in ? "break-in" : "insert");
  ItemRequest item;
  item.file = parse_file(body);
  item.title = parse_title(body);
  item.gain_db = parse_gain(body);
  item.repeat = static_cast<int>(parse_whole(body, "repeat", kMinRepeat, kMaxRepeat, 1));
  return item;
}

constexpr std::size_t kMaxBulletinText = 8 * 1024;  // bytes: a long bulletin read is ~2 KB
constexpr std::int64_t kMaxBulletinRepeat = 20;

BulletinRequest ServerState::parse_bulletin(const json& body) const {
  check_fields(body, {"file", "text", "level", "title", "gain_db", "repeat", "every", "until", "tone"}, "bulletins");
  BulletinRequest b;
  const auto level = body.find("level");
  if (level == body.end()) bad_request("\"level\" is required: normal, priority or emergency");
  if (!level->is_string() || !parse_bulletin_level(level->get<std::string>()))
    bad_request("\"level\" must be normal, priority or emergency (thông thường, ưu tiên, khẩn cấp), got " + describe(*level));
  b.level = *parse_bulletin_level(level->get<std::string>());
  const bool has_file = body.contains("file"), has_text = body.contains("text");
  if (has_file == has_text) bad_request("give either \"file\" (a recording in the media root) or \"text\" (to be spoken), not both");
  if (has_file) b.file = parse_file(body);
  if (has_text) {
    const json& t = body["text"];
    if (!t.is_string()) bad_request("\"text\" must be a string, got " + describe(t));
    b.text = t.get<std::string>();
    if (b.text.find_first_not_of(" \t\r\n") == std::string::npos) bad_request("\"text\" is empty");
    if (b.text.size() > kMaxBulletinText)
      bad_request(fmt::format("\"text\" is too long: {} bytes (limit {})", b.text.size(), kMaxBulletinText));
    for (const char c : b.text)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
        bad_request("\"text\" contains a control character");
  }
  b.title = parse_title(body);
  b.gain_db = parse_gain(body);
  b.repeat = static_cast<int>(parse_whole(body, "repeat", 1, kMaxBulletinRepeat, 1));
  if (body.contains("every"))
    b.every = std::chrono::seconds(parse_whole(body, "every", 60, 24 * 3600, 0, " (seconds)"));
  if (const auto it = body.find("until"); it != body.end()) {
    if (!it->is_string() || it->get<std::string>().size() > 40 || has_control_char(it->get<std::string>()))
      bad_request("\"until\" must be a time, HH:MM[:SS] or an ISO date-time, got " + describe(*it));
    b.until = it->get<std::string>();
  }
  if (const auto it = body.find("tone"); it != body.end()) {
    if (!it->is_boolean()) bad_request("\"tone\" must be true or false, got " + describe(*it));
    b.tone = it->get<bool>();
  }
  return b;
}

std::string parse_id(const json& body) {
  const auto it = body.find("id");
  if (it == body.end()) bad_request("\"id\" is required: the bulletin's id (GET /api/bulletins lists them)");
  if (!it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 64 ||
      has_control_char(it->get<std::string>()))
    bad_request("\"id\" must be a bulletin id like \"b-20261204-063000\", got " + describe(*it));
  return it->get<std::string>();
}

void ServerState::command(const http::Request& req, http::Response& res, const std::string& what,
                          const std::function<std::string()>& call) {
  std::string reason;
  {
    std::lock_guard lock(command_mutex);
    reason = call();
  }
  if (!reason.empty()) {
    control_log()->warn("{} from {}: refused: {}", what, req.remote_addr, reason);
    send_error(res, 409, reason);
    return;
  }
  control_log()->info("{} from {}: ok", what, req.remote_addr);
  send_json(res, 200, json{{"ok", true}});
}

void handle_page(ServerState&, const http::Request&, http::Response& res) {
  res.status = 200;
  res.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                           "connect-src 'self'; img-src data:; frame-ancestors 'none'; form-action 'none'");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  res.body = control_page_html();
  res.content_type = "text/html; charset=utf-8";
}

void handle_status(ServerState& s, const http::Request&, http::Response& res) {
  json status;
  {
    std::lock_guard lock(s.status_mutex);
    status = s.station.status();
  }
  send_json(res, 200, status);
}

void handle_skip(ServerState& s, const http::Request& req, http::Response& res) {
  check_fields(parse_body(req), {}, "skip");
  s.command(req, res, "skip", [&] { return s.station.skip(); });
}

void handle_stop_after(ServerState& s, const http::Request& req, http::Response& res) {
  const json body = parse_body(req);
  check_fields(body, {"enable"}, "stop-after-current");
  bool enable = true;
  if (const auto it = body.find("enable"); it != body.end()) {
    if (!it->is_boolean()) bad_request("\"enable\" must be true or false, got " + describe(*it));
    enable = it->get<bool>();
  }
  s.command(req, res, std::string("stop-after-current ") + (enable ? "on" : "off"),
            [&] { return s.station.stop_after_current(enable); });
}

std::string describe_item(const char* what, const ItemRequest& item) {
  std::string d = std::string(what) + " " + quote_json(item.file);
  if (!item.title.empty()) d += " title " + quote_json(item.title);
  if (item.gain_db != 0.0) d += " gain " + describe(json(item.gain_db)) + " dB";
  if (item.repeat != 1) d += " x" + std::to_string(item.repeat);
  return d;
}

void handle_insert(ServerState& s, const http::Request& req, http::Response& res) {
  const ItemRequest item = s.parse_item(parse_body(req), false);
  s.command(req, res, describe_item("insert", item), [&] { return s.station.insert_next(item); });
}

void handle_break_in(ServerState& s, const http::Request& req, http::Response& res) {
  const ItemRequest item = s.parse_item(parse_body(req), true);
  s.command(req, res, describe_item("break-in", item), [&] { return s.station.break_in(item); });
}

void handle_add_bulletin(ServerState& s, const http::Request& req, http::Response& res) {
  const BulletinRequest b = s.parse_bulletin(parse_body(req));
  std::string reason, id;
  {
    std::lock_guard lock(s.command_mutex);
    reason = s.station.add_bulletin(b, id);
  }
  const std::string what = std::string(to_string(b.level)) + " bulletin " + quote_json(b.file.empty() ? b.text : b.file);
  if (!reason.empty()) {
    control_log()->warn("{} from {}: refused: {}", what, req.remote_addr, reason);
    send_error(res, 409, reason);
    return;
  }
  control_log()->warn("{} from {}: accepted as {}", what, req.remote_addr, id);
  send_json(res, 200, json{{"ok", true}, {"id", id}});
}

void handle_list_bulletins(ServerState& s, const http::Request&, http::Response& res) {
  json list;
  {
    std::lock_guard lock(s.status_mutex);
    list = s.station.bulletins();
  }
  send_json(res, 200, json{{"bulletins", std::move(list)}});
}

void handle_cancel_bulletin(ServerState& s, const http::Request& req, http::Response& res) {
  const json body = parse_body(req);
  check_fields(body, {"id"}, "bulletins/cancel");
  const std::string id = parse_id(body);
  s.command(req, res, "cancel bulletin " + id, [&] { return s.station.cancel_bulletin(id); });
}

void handle_place_bulletin(ServerState& s, const http::Request& req, http::Response& res) {
  const json body = parse_body(req);
  check_fields(body, {"id", "program", "position"}, "bulletins/place");
  const std::string id = parse_id(body);
  const auto program = body.find("program");
  if (program == body.end() || !program->is_string() || program->get<std::string>().empty() ||
      program->get<std::string>().size() > 200 || has_control_char(program->get<std::string>()))
    bad_request("\"program\" must be a programme id of the schedule, got " +
                (program == body.end() ? std::string("nothing") : describe(*program)));
  const int position = static_cast<int>(parse_whole(body, "position", 0, 10000, 0, " (0: at the end)"));
  s.command(req, res, "place bulletin " + id + " in " + program->get<std::string>(),
            [&] { return s.station.place_bulletin(id, program->get<std::string>(), position); });
}

void handle_reload(ServerState& s, const http::Request& req, http::Response& res) {
  check_fields(parse_body(req), {}, "reload");
  s.command(req, res, "reload", [&] { return s.station.reload(); });
}

const Route kRoutes[] = {
    {"GET", "/", handle_page},
    {"GET", "/api/status", handle_status},
    {"POST", "/api/skip", handle_skip},
    {"POST", "/api/stop-after-current", handle_stop_after},
    {"POST", "/api/insert", handle_insert},
    {"POST", "/api/break-in", handle_break_in},
    {"POST", "/api/reload", handle_reload},
    {"POST", "/api/bulletins", handle_add_bulletin},
    {"GET", "/api/bulletins", handle_list_bulletins},
    {"POST", "/api/bulletins/cancel", handle_cancel_bulletin},
    {"POST", "/api/bulletins/place", handle_place_bulletin},
};

}  // namespace

// ---------------------------------------------------------------------------------------

// Limits for the control API: a few operators and their phones, the CLI, a monitoring
// probe. Generous for them, small against a flood (station/http/server.hpp).
http::Limits control_limits(const ControlServerConfig& cfg) {
  http::Limits l;
  l.workers = std::max(1, cfg.threads);
  l.header_timeout = std::chrono::seconds(cfg.io_timeout_s);
  l.body_timeout = std::chrono::seconds(2 * cfg.io_timeout_s);
  l.write_timeout = std::chrono::seconds(2 * cfg.io_timeout_s);
  l.max_body_bytes = kMaxBody;
  l.max_connections = cfg.max_connections;
  l.max_per_client = std::max(1, cfg.max_connections * 3 / 4);
  return l;
}

struct ControlServer::Impl {
  ServerState state;
  std::optional<http::Server> server;
  std::string host;
  int port = 0;
  std::atomic<std::chrono::steady_clock::rep> last_auth_warning{
      std::numeric_limits<std::chrono::steady_clock::rep>::min() / 2};

  Impl(StationControl& station, ControlServerConfig config) : state{station, std::move(config), {}, {}, {}} {}

  bool authorized(const http::Request& req) const {
    const std::string& token = state.config.token;
    if (token.empty()) return true;
    const std::string auth = req.header("Authorization").value_or("");
    if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") {
      std::string given = auth.substr(7);
      given.erase(0, given.find_first_not_of(' '));
      if (constant_time_equal(given, token)) return true;
    }
    const auto param = req.param("token");
    return param && constant_time_equal(*param, token);
  }

  static void common_headers(http::Response& res) {
    res.headers.emplace_back("Cache-Control", "no-store");
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  }

  http::Response handle(const http::Request& req) {
    http::Response res;
    common_headers(res);
    try {
      const std::string method = req.method == "HEAD" ? "GET" : req.method;
      if (!authorized(req)) {
        // A forgotten browser tab with a wrong token polls every 2 s for months: warn at most
        // once a minute.
        const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        auto last = last_auth_warning.load();
        const bool warn = now - last >= std::chrono::steady_clock::duration(std::chrono::minutes(1)).count() &&
                          last_auth_warning.compare_exchange_strong(last, now);
        control_log()->log(warn ? spdlog::level::warn : spdlog::level::debug, "{} {} from {}: missing or wrong token",
                           req.method, req.path, req.remote_addr);
        res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"onair\"");
        if (method == "GET" && req.path == "/") {
          res.status = 401;
          res.body = "<!doctype html><meta charset=utf-8><title>onair: token required</title>"
                     "<p>This station's control page needs its token: open it as <code>/?token=TOKEN</code>.</p>\n";
          res.content_type = "text/html; charset=utf-8";
          return res;
        }
        throw HttpError{401, "missing or wrong token: send the header 'Authorization: Bearer TOKEN' or ?token=TOKEN"};
      }
      const std::string host_header = req.header("Host").value_or("");
      if (state.config.token.empty()) {
        // No token: only loopback clients can connect, but a web page in the operator's browser
        // could still reach us (DNS rebinding, cross-site POSTs). Refuse both.
        if (req.has_header("Host") && !is_loopback_host(host_of_header(host_header)))
          throw HttpError{403, "requests must be addressed to localhost, 127.0.0.1 or [::1] (got Host " +
                                   quote_json(host_header) + "); configure a control token to allow other names"};
        const auto origin = req.header("Origin");
        if (method != "GET" && origin && lower(*origin) != "http://" + lower(host_header))
          throw HttpError{403, "cross-origin request from " + quote_json(*origin) + " refused"};
      }
      const Route* match = nullptr;
      std::string allowed;
      for (const auto& route : kRoutes) {
        if (req.path != route.path) continue;
        allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
        if (method == route.method) match = &route;
      }
      if (allowed.empty()) throw HttpError{404, "no such endpoint: " + quote_json(req.path)};
      if (!match) {
        res.headers.emplace_back("Allow", allowed == "GET" ? "GET, HEAD" : allowed);
        throw HttpError{405, "method " + req.method + " not allowed for " + req.path + "; use " + allowed};
      }
      control_log()->trace("{} {} from {}", req.method, req.path, req.remote_addr);
      match->handle(state, req, res);
    } catch (const HttpError& e) {
      if (e.status == 400) control_log()->warn("bad request {} {} from {}: {}", req.method, req.path, req.remote_addr, e.message);
      else if (e.status != 401) control_log()->debug("{} {} from {}: {} {}", req.method, req.path, req.remote_addr, e.status, e.message);
      send_error(res, e.status, e.message);
    } catch (const std::exception& e) {
      control_log()->error("{} {} from {}: internal error: {}", req.method, req.path, req.remote_addr, e.what());
      send_error(res, 500, std::string("internal error: ") + e.what());
    } catch (...) {
      control_log()->error("{} {} from {}: internal error (unknown exception)", req.method, req.path, req.remote_addr);
      send_error(res, 500, "internal error");
    }
    return res;
  }

  // Errors the HTTP layer finds while reading (malformed, too large, busy) get a JSON body too.
  // An oversized body is a 400 like every other bad request body.
  static http::Response library_error(int status, const std::string& detail, const http::Request& req) {
    http::Response res;
    common_headers(res);
    if (status == 413) status = 400;
    control_log()->debug("{} {} from {}: {} {}", req.method, req.path, req.remote_addr, status, detail);
    send_error(res, status, detail);
    return res;
  }
};

ControlServer::ControlServer(StationControl& station, ControlServerConfig config)
    : impl_(std::make_unique<Impl>(station, std::move(config))) {
  auto& cfg = impl_->state.config;
  std::string error;
  const auto addr = parse_host_port(cfg.address, HostKind::address, 0, error);
  if (!addr)
    throw ControlServerError("control address must be HOST:PORT (e.g. 127.0.0.1:8640), got " + quote_json(cfg.address) +
                             ": " + error);
  if (!is_loopback_host(addr->host) && cfg.token.empty())
    throw ControlServerError("refusing to listen on " + cfg.address +
                             " without a token: set a control token, or listen on 127.0.0.1");
  if (has_control_char(cfg.token) || cfg.token.find(' ') != std::string::npos)
    throw ControlServerError("the token must not contain spaces or control characters");
  if (cfg.media_root.empty()) throw ControlServerError("no media root given");
  fs::path root = fs::absolute(cfg.media_root).lexically_normal();
  if (!root.has_filename() && root != root.root_path()) root = root.parent_path();  // drop a trailing '/'
  impl_->state.media_root = root;

  impl_->host = lower(addr->host) == "localhost" ? "127.0.0.1" : addr->host;
  Impl* impl = impl_.get();
  try {
    impl_->server.emplace(
        impl_->host, addr->port, control_limits(cfg), [impl](const http::Request& req) { return impl->handle(req); },
        &Impl::library_error);
  } catch (const std::system_error& e) {
    throw ControlServerError("cannot listen on " + cfg.address + ": " + e.code().message());
  } catch (const std::exception& e) {
    throw ControlServerError("cannot listen on " + cfg.address + ": " + e.what());
  }
  impl_->port = impl_->server->port();
  control_log()->debug("control API listening on http://{}/{}", address(), cfg.token.empty() ? "" : " (token required)");
}

ControlServer::~ControlServer() { stop(); }

void ControlServer::stop() {
  if (impl_->server) impl_->server->stop();
}

int ControlServer::port() const { return impl_->port; }

std::string ControlServer::address() const { return join_host_port(impl_->host, impl_->port); }

}  // namespace onair
