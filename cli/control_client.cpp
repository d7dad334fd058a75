#include "cli/control_client.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

namespace onair {

namespace {

using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }


std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

// Why a connection failed, as the system saw it: httplib only says "could not establish
// connection". One more plain connect() attempt names the cause.
std::string connect_failure(const std::string& host, int port, int timeout_s) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return "unknown host " + host + " (" + lower_first(gai_strerror(rc)) + ")";
  std::string reason = "could not establish connection";
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int err = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        const int n = poll(&p, 1, timeout_s * 1000);
        if (n == 0) {
          err = ETIMEDOUT;
        } else {
          socklen_t len = sizeof(err);
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        }
      }
    }
    close(fd);
    if (err == 0) break;  // it answers now: keep the generic reason
    reason = err == ETIMEDOUT ? "connection timed out" : lower_first(std::strerror(err));
  }
  freeaddrinfo(found);
  return reason;
}

std::string transport_failure(httplib::Error error, const std::string& host, int port, int timeout_s) {
  switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
      return connect_failure(host, port, 3);
    case httplib::Error::Read:
      return "no answer (connection closed, or nothing within " + std::to_string(timeout_s) + " s)";
    case httplib::Error::Write:
      return "connection lost while sending the request";
    default:
      return lower_first(httplib::to_string(error));
  }
}

std::string duration(const json& v) {
  if (!v.is_number()) return "?";
  const double d = v.get<double>();
  if (!std::isfinite(d)) return "?";
  const long s = std::lround(std::max(0.0, d));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// "2011-11-26T05:30:00.000+07:00" -> "05:30:00" (station local time).
std::string clock_of(const json& v) {
  if (!v.is_string()) return "?";
  const std::string s = v.get<std::string>();
  return s.size() >= 19 && s[10] == 'T' ? s.substr(11, 8) : s;
}

std::string str(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

const json& field(const json& obj, const char* key) {
  static const json null;
  if (!obj.is_object()) return null;
  const auto it = obj.find(key);
  return it == obj.end() ? null : *it;
}

std::string number(const json& v, int decimals, bool sign = false) {
  if (!v.is_number()) return "?";
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  if (sign) s.setf(std::ios::showpos);
  s << v.get<double>();
  return s.str();
}

std::string success_line(const std::string& name, const ControlArgs& args) {
  if (name == "skip") return "Skipped the item on air.";
  if (name == "stop-after-current")
    return args.off ? "Stop after the current item cancelled: the schedule continues." : "Will stop after the current item.";
  if (name == "insert") return "Inserted next: " + args.file + ".";
  if (name == "break-in") {
    const int n = args.repeat.value_or(1);
    return "Breaking in with " + args.file + (n > 1 ? " (" + std::to_string(n) + " times)." : ".");
  }
  if (name == "reload") return "Reloaded the schedules.";
  if (name == "bulletin-cancel") return "Cancelled bulletin " + args.id + ".";
  if (name == "bulletin-place") return "Placed bulletin " + args.id + " in programme '" + args.program + "'.";
  return "OK.";
}

}  // namespace

namespace {

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)"; nullopt otherwise.
std::optional<double> epoch_of(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  int y, mo, d, h, mi, sec, consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6 || consumed != 19)
    return std::nullopt;
  std::size_t i = 19;
  double frac = 0;
  if (i < s.size() && s[i] == '.') {
    std::size_t j = i + 1;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    frac = std::atof(s.substr(i, j - i).c_str());
    i = j;
  }
  int offset_s = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset_s = (s[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else if (i >= s.size() || s[i] != 'Z') {
    return std::nullopt;
  }
  // Days from the civil date (Howard Hinnant's algorithm).
  y -= mo <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153L * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long days = era * 146097 + doe - 719468;
  return static_cast<double>(days) * 86400 + h * 3600 + mi * 60 + sec + frac - offset_s;
}

// "Title (programme)", or the source when there is no title.
std::string entry_name(const json& e) {
  std::string name = str(e, "title");
  if (name.empty()) name = str(e, "source");
  if (name.empty()) name = "?";
  const std::string program = str(e, "program");
  if (!program.empty() && program != name) name += " (" + program + ")";
  return name;
}

}  // namespace

std::string format_status(const json& st) {
  std::ostringstream o;
  const std::string state = str(st, "state");
  const json& on_air = field(st, "on_air");
  o << "On air:          ";
  if (on_air.is_object()) {
    o << entry_name(on_air) << "\n                 " << duration(field(on_air, "position_s"));
    if (field(on_air, "remaining_s").is_number()) o << ", " << duration(field(on_air, "remaining_s")) << " left";
    if (field(on_air, "start").is_string()) o << " (started " << clock_of(field(on_air, "start")) << ")";
  } else {
    o << "nothing";
  }
  if (state == "starting") o << " (starting)";
  o << "\n";
  if (state == "held") o << "                 held: stopped after the item on air (onair stop-after-current --off resumes)\n";

  const json& next = field(st, "next");
  o << "Next:            ";
  if (next.is_object()) {
    o << entry_name(next);
    if (field(next, "start").is_string()) o << " at " << clock_of(field(next, "start"));
  } else {
    o << "none";
  }
  o << "\n";

  const json& hard = field(st, "next_hard_start");
  o << "Next hard start: ";
  if (hard.is_object()) {
    o << entry_name(hard) << " at " << clock_of(field(hard, "start"));
    const auto at = epoch_of(field(hard, "start"));
    const auto now = epoch_of(field(st, "now"));
    if (at && now) o << " (in " << duration(json(*at - *now)) << ")";
  } else {
    o << "none";
  }
  o << "\n";

  const json& alarms = field(st, "alarms");
  if (alarms.is_array() && !alarms.empty()) {
    o << "Alarms:          " << alarms.size() << "\n";
    for (const auto& a : alarms) {
      o << "  !";
      if (!str(a, "kind").empty()) o << " [" << str(a, "kind") << "]";
      o << " " << (a.is_object() ? str(a, "message") : dump(a));
      if (field(a, "first").is_string()) {
        o << " (since " << clock_of(field(a, "first"));
        if (field(a, "count").is_number_integer() && field(a, "count").get<long>() > 1)
          o << ", " << field(a, "count").get<long>() << " times";
        o << ")";
      }
      o << "\n";
    }
  } else {
    o << "Alarms:          none\n";
  }

  o << "Output:          ";
  if (!str(st, "output").empty()) o << str(st, "output") << ", ";
  const json& buffer = field(st, "buffer_s");
  o << "buffer " << (buffer.is_number() ? number(json(buffer.get<double>() * 1000), 0) + " ms" : "?");
  o << ", underruns " << (field(st, "underruns").is_number() ? number(field(st, "underruns"), 0) : "?");
  if (field(st, "device_reopens").is_number() && field(st, "device_reopens") != 0)
    o << ", device reopened " << number(field(st, "device_reopens"), 0) << "x";
  if (field(st, "failures").is_number() && field(st, "failures") != 0)
    o << ", " << number(field(st, "failures"), 0) << " failed sources";
  o << ", drift " << number(field(st, "drift_ppm"), 1, true) << " ppm\n";
  return o.str();
}

int control_command(const std::string& name, const ControlArgs& args) {
  return control_command(name, args, std::cout, std::cerr);
}

int control_command(const std::string& name, const ControlArgs& args, std::ostream& out, std::ostream& err) {
  std::string error;
  const auto addr = parse_host_port(args.control, HostKind::name, 1, error);
  if (!addr) {
    err << "onair: --control must be HOST:PORT (e.g. 127.0.0.1:8640), got '" << args.control << "': " << error << "\n";
    return kControlUsage;
  }
  std::string token;
  if (args.token) {
    token = *args.token;
  } else if (const char* env = std::getenv("ONAIR_TOKEN")) {
    token = env;
  }

  std::string method = "POST", path;
  json body = json::object();
  if (name == "status") {
    method = "GET";
    path = "/api/status";
  } else if (name == "skip" || name == "reload") {
    path = "/api/" + name;
  } else if (name == "stop-after-current") {
    path = "/api/stop-after-current";
    body["enable"] = !args.off;
  } else if (name == "insert" || name == "break-in") {
    path = "/api/" + name;
    body["file"] = args.file;
    if (args.title) body["title"] = *args.title;
    if (args.gain_db) body["gain_db"] = *args.gain_db;
    if (args.repeat) body["repeat"] = *args.repeat;
  } else if (name == "bulletin") {
    path = "/api/bulletins";
    if (args.level.empty()) {
      err << "onair: --level is required: normal, priority or emergency\n";
      return kControlUsage;
    }
    if (args.text) body["text"] = *args.text;
    if (!args.file.empty()) body["file"] = args.file;
    if (args.file.empty() == !args.text) {
      err << "onair: give a recording (FILE) or --text, not both\n";
      return kControlUsage;
    }
    body["level"] = args.level;
    if (args.title) body["title"] = *args.title;
    if (args.gain_db) body["gain_db"] = *args.gain_db;
    if (args.repeat) body["repeat"] = *args.repeat;
    if (args.every) {
      const auto seconds = parse_cli_duration(*args.every);
      if (!seconds) {
        err << "onair: --every must be a duration like 30m, 1h, 90s or 00:30:00, got '" << *args.every << "'\n";
        return kControlUsage;
      }
      body["every"] = *seconds;
    }
    if (args.until) body["until"] = *args.until;
    if (args.tone) body["tone"] = true;
  } else if (name == "bulletin-list") {
    method = "GET";
    path = "/api/bulletins";
  } else if (name == "bulletin-cancel") {
    path = "/api/bulletins/cancel";
    body["id"] = args.id;
  } else if (name == "bulletin-place") {
    path = "/api/bulletins/place";
    body["id"] = args.id;
    body["program"] = args.program;
    if (args.position) body["position"] = *args.position;
  } else {
    err << "onair: unknown control command '" << name << "'\n";
    return kControlUsage;
  }

  const std::string where = join_host_port(addr->host, addr->port);
  httplib::Client client(addr->host, addr->port);
  client.set_connection_timeout(3, 0);
  client.set_read_timeout(args.timeout_s, 0);
  client.set_write_timeout(5, 0);
  httplib::Headers headers{{"Host", where}};
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto res = method == "GET" ? client.Get(path, headers)
                             : client.Post(path, headers, dump(body), "application/json");
  if (!res) {
    err << "onair: cannot reach onair at " << where << ": "
        << transport_failure(res.error(), addr->host, addr->port, args.timeout_s) << "\n";
    return kControlUnreachable;
  }

  json reply;
  bool is_json = true;
  try {
    reply = json::parse(res->body);
  } catch (const json::parse_error&) {
    is_json = false;
  }
  if (res->status < 200 || res->status >= 300) {
    std::string message;
    if (is_json && reply.is_object() && reply.contains("error") && reply["error"].is_string()) {
      message = reply["error"].get<std::string>();
    } else {
      message = "HTTP " + std::to_string(res->status) + " from " + where;
    }
    for (char& c : message)
      if (c == '\n' || c == '\r') c = ' ';
    err << "onair: " << message << "\n";
    return kControlRefused;
  }
  if (!is_json || !reply.is_object()) {
    err << "onair: unexpected answer from " << where << " (not the onair control API?)\n";
    return kControlRefused;
  }
  if (name == "status") {
    out << (args.json ? reply.dump(2, ' ', false, json::error_handler_t::replace) + "\n" : format_status(reply));
  } else if (name == "bulletin-list") {
    out << (args.json ? reply.dump(2, ' ', false, json::error_handler_t::replace) + "\n" : format_bulletins(reply));
  } else if (name == "bulletin") {
    out << "Bulletin " << reply.value("id", std::string("?")) << " accepted (" << args.level << ").\n";
  } else {
    out << success_line(name, args) << "\n";
  }
  return kControlOk;
}

std::optional<std::int64_t> parse_cli_duration(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  int h = 0, m = 0, sec = 0, used = 0;
  if (std::sscanf(text.c_str(), "%d:%d:%d%n", &h, &m, &sec, &used) == 3 && used == static_cast<int>(text.size()) && h >= 0 &&
      m >= 0 && m < 60 && sec >= 0 && sec < 60)
    return std::int64_t{h} * 3600 + m * 60 + sec;
  if (std::sscanf(text.c_str(), "%d:%d%n", &m, &sec, &used) == 2 && used == static_cast<int>(text.size()) && m >= 0 &&
      sec >= 0 && sec < 60)
    return std::int64_t{m} * 60 + sec;
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  const std::int64_t n = std::stoll(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit.empty() || unit == "s") return n;
  if (unit == "m" || unit == "min") return n * 60;
  if (unit == "h") return n * 3600;
  return std::nullopt;
}

std::string format_bulletins(const nlohmann::json& reply) {
  std::string out;
  const auto it = reply.find("bulletins");
  if (it == reply.end() || !it->is_array() || it->empty()) return "No bulletins.\n";
  for (const auto& b : *it) {
    if (!b.is_object()) continue;
    const auto airings = b.contains("airings") && b["airings"].is_array() ? b["airings"].size() : 0;
    out += b.value("id", std::string("?")) + "  " + b.value("level", std::string("?")) + "  " +
           b.value("state", std::string("?")) + "  aired " + std::to_string(airings) + "/" +
           std::to_string(b.value("repeat", 1)) + "  " + b.value("title", std::string()) + "\n";
  }
  return out;
}

}  // namespace onair
