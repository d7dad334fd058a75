#pragma once
// The station's HTTP/1.1 server (Boost.Beast): everything reachable over the network rides
// on it, so it is built to be attacked. One I/O thread multiplexes every connection (an idle
// or dribbling client costs a socket, never a thread); handlers run on a small worker pool.
// Every phase has a deadline, every buffer a size, every client a share:
//  - at most `max_connections` sockets (a budget that leaves the engine's media and relays
//    their descriptors); a new connection beyond it, or beyond `max_per_client` from one
//    address, evicts the oldest one that has not sent a complete request yet, so a flood of
//    idle connections cannot lock an operator out (it can only slow itself down);
//  - the request line and headers must arrive within `header_timeout` of the connection (or of
//    the previous response), whatever the pace: a slow-header client is cut;
//  - headers are limited in total size (which bounds their count too), bodies while they are
//    read, chunked or not; requests per connection are limited;
//  - at most `max_queued` requests wait for a worker; beyond, 503 at once.
// Errors found while reading (malformed, too large) are answered by `on_error`, then the
// connection is closed after draining what the client still sends (bounded), so it sees the
// answer rather than a reset.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "station/http/message.hpp"

namespace onair::http {

struct Limits {
  int max_connections = 128;
  int max_per_client = 96;
  std::chrono::milliseconds header_timeout{5000};
  std::chrono::milliseconds body_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  std::size_t max_header_bytes = 16 * 1024;  // request line and all headers
  std::size_t max_body_bytes = 64 * 1024;
  int max_requests_per_connection = 100;
  int workers = 4;
  int max_queued = 64;
};

// What the server counts; read from any thread.
struct ServerStats {
  long long accepted = 0;
  long long evicted = 0;     // closed to make room for a newer connection
  long long timed_out = 0;   // cut at a header, body or write deadline
  long long refused = 0;     // answered with an error by the server itself (4xx/503)
  int open = 0;              // connections now
};

using Handler = std::function<Response(const Request&)>;
// `request` holds what was parsed before the error (method, path, headers), maybe nothing.
// `detail` is a short English reason, e.g. "request body too large: 70000 bytes (limit 65536)".
using ErrorHandler = std::function<Response(int status, const std::string& detail, const Request& request)>;

class Server {
 public:
  // Binds HOST:PORT (port 0: any free one) and starts serving before returning. Throws
  // std::system_error when the address cannot be bound.
  Server(const std::string& host, int port, Limits limits, Handler handler, ErrorHandler on_error);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Stops accepting, lets handlers in progress finish, closes every connection, joins. Idempotent.
  void stop();

  int port() const;
  ServerStats stats() const;

  struct Impl;  // server.cpp; public only so its connections can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace onair::http
