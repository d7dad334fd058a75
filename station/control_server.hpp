#pragma once
// The control API: a small local HTTP + JSON server in front of a StationControl.
// Operators (the `onair status|skip|...` client, the status page, curl) talk to it;
// every request is authenticated (when a token is set) and validated here, so nothing
// malformed reaches the station. docs/control.md describes the endpoints.
//
// Threads: station/http/server.hpp — one I/O thread for every connection, a small pool of
// request threads; limits on connections, time, sizes (docs/control.md "Limits").
// Commands (skip, stop-after-current, insert, break-in, reload) are serialized: the
// station sees at most one command at a time, in arrival order. status() calls are
// serialized among themselves but may run while a command is in progress. No call is
// ever made on the engine's thread.
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "station/host_port.hpp"

namespace onair {

class StationControl;

inline constexpr const char* kDefaultControlAddress = "127.0.0.1:8640";

struct ControlServerConfig {
  std::string address = kDefaultControlAddress;  // HOST:PORT to listen on
  std::string token;                  // empty: no token (allowed only on a loopback address)
  std::filesystem::path media_root;   // files named in insert/break-in must be inside it
  int threads = 4;                    // request threads
  int io_timeout_s = 5;               // a request's line and headers must arrive within this
  int max_connections = 128;          // open at once; the oldest incomplete one makes room
};

// Thrown when the server refuses to start: bad address, no token on a non-loopback
// address, or the address cannot be bound. what() is a one-line message for the operator.
class ControlServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The status page served at GET / (station/control_page.cpp): one self-contained HTML document.
const char* control_page_html();

class ControlServer {
 public:
  // Binds and starts serving before returning; throws ControlServerError.
  ControlServer(StationControl& station, ControlServerConfig config);
  ~ControlServer();  // stops (same as stop())
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Stops accepting, finishes requests in progress and joins the thread. Idempotent.
  void stop();

  int port() const;             // the bound port (the chosen one when configured with 0)
  std::string address() const;  // "HOST:PORT" actually bound, e.g. "127.0.0.1:40123"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onair
