#include "station/http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <list>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "player/log.hpp"

namespace onair::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

std::shared_ptr<spdlog::logger> http_log() { return named_logger("http"); }

// What a client may still send after we answered an error and stopped reading: drained so
// its TCP stack sees our answer instead of a reset, but not for ever.
constexpr std::size_t kMaxDrainBytes = 16 * 1024 * 1024;
constexpr std::chrono::seconds kDrainTime{2};
constexpr std::chrono::milliseconds kAcceptRetry{100};

enum class Phase { header, body, handling, writing, closing };

bool evictable(Phase p) { return p == Phase::header || p == Phase::body || p == Phase::closing; }

}  // namespace

struct Connection;

struct Server::Impl {
  Limits limits;
  Handler handler;
  ErrorHandler on_error;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  std::optional<asio::thread_pool> pool;
  std::thread thread;
  int port = 0;
  bool stopping = false;  // I/O thread only
  // Every open connection, oldest first. Touched on the I/O thread only.
  std::list<std::shared_ptr<Connection>> connections;
  std::atomic<int> queued{0};
  std::atomic<long long> accepted{0}, evicted{0}, timed_out{0}, refused{0};
  std::atomic<int> open{0};
  std::once_flag stopped;

  void accept();
  void admit(tcp::socket socket);
  bool evict_oldest(const std::string* from);
  void close_all();
};

struct Connection : std::enable_shared_from_this<Connection> {
  Server::Impl& server;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  bhttp::response<bhttp::string_body> response;
  std::string remote;
  Phase phase = Phase::header;
  bool finished = false;
  bool keep_alive = false;
  bool head = false;
  int served = 0;
  std::size_t drained = 0;
  std::array<char, 8192> drain_buffer{};
  std::list<std::shared_ptr<Connection>>::iterator self;

  Connection(Server::Impl& s, tcp::socket socket, std::string from)
      : server(s), stream(std::move(socket)),
        buffer(std::max<std::size_t>(s.limits.max_header_bytes, 8192) + 4096), remote(std::move(from)) {}

  void read_header() {
    phase = Phase::header;
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(server.limits.max_header_bytes, UINT32_MAX)));
    parser->body_limit(server.limits.max_body_bytes);
    stream.expires_after(server.limits.header_timeout);
    bhttp::async_read_header(stream, buffer, *parser,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (finished) return;
    if (ec) return read_failed(ec);
    if (parser->is_done()) return handle();
    phase = Phase::body;
    stream.expires_after(server.limits.body_timeout);
    const auto expect = parser->get()[bhttp::field::expect];
    if (iequals(std::string_view(expect.data(), expect.size()), "100-continue")) {
      // curl waits a second for this before it sends a body.
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream, asio::buffer(kContinue), [self = shared_from_this()](beast::error_code e, std::size_t) {
        if (self->finished) return;
        if (e) return self->finish();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream, buffer, *parser,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (self->finished) return;
                        if (ec) return self->read_failed(ec);
                        self->handle();
                      });
  }

  // The request line and headers as parsed so far (all of them once the header is read).
  Request head_of(const bhttp::request<bhttp::string_body>& m) const {
    Request r;
    r.method = std::string(m.method_string());
    r.target = std::string(m.target());
    split_target(r.target, r.path, r.query);
    for (const auto& f : m) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.remote_addr = remote;
    return r;
  }

  void read_failed(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      ++server.timed_out;
      http_log()->debug("{}: cut at the {} deadline", remote, phase == Phase::header ? "header" : "body");
      return finish();
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == bhttp::error::partial_message)
      return finish();
    if (ec == bhttp::error::header_limit)
      return refuse(431, "request headers too large (limit " + std::to_string(server.limits.max_header_bytes) +
                             " bytes)");
    if (ec == bhttp::error::body_limit) {
      std::string size = "more than " + std::to_string(server.limits.max_body_bytes);
      if (parser) {
        if (const auto length = parser->content_length()) size = std::to_string(*length);
      }
      return refuse(413, "request body too large: " + size + " bytes (limit " +
                             std::to_string(server.limits.max_body_bytes) + ")");
    }
    refuse(400, "malformed HTTP request (" + ec.message() + ")");
  }

  void refuse(int status, const std::string& detail) {
    ++server.refused;
    Request r = parser ? head_of(parser->get()) : Request{};
    Response res;
    try {
      res = server.on_error(status, detail, r);
    } catch (...) {
      res = Response{status, "text/plain; charset=utf-8", detail + "\n", {}};
    }
    keep_alive = false;
    head = false;
    write(std::move(res));
  }

  void handle() {
    phase = Phase::handling;
    stream.expires_never();
    auto message = parser->release();
    parser.reset();
    Request req = head_of(message);
    req.body = std::move(message.body());
    head = message.method() == bhttp::verb::head;
    keep_alive = message.keep_alive() && ++served < server.limits.max_requests_per_connection && !server.stopping;
    if (server.queued.fetch_add(1) >= server.limits.max_queued) {
      --server.queued;
      ++server.refused;
      keep_alive = false;
      Response res = server.on_error(503, "the server is busy; try again in a moment", req);
      res.headers.emplace_back("Retry-After", "1");
      return write(std::move(res));
    }
    asio::post(*server.pool, [self = shared_from_this(), req = std::move(req)]() mutable {
      Server::Impl& srv = self->server;
      Response res;
      try {
        res = srv.handler(req);
      } catch (const std::exception& e) {
        res = srv.on_error(500, std::string("internal error: ") + e.what(), req);
      } catch (...) {
        res = srv.on_error(500, "internal error", req);
      }
      --srv.queued;
      // The I/O thread keeps the last reference: the connection is only ever destroyed there.
      asio::post(srv.io, [self = std::move(self), res = std::move(res)]() mutable { self->write(std::move(res)); });
    });
  }

  void write(Response res) {
    if (finished) return;
    phase = Phase::writing;
    response = {};
    response.version(11);
    response.result(static_cast<unsigned>(res.status));
    for (auto& [k, v] : res.headers) response.insert(k, v);
    if (!res.content_type.empty()) response.set(bhttp::field::content_type, res.content_type);
    response.keep_alive(keep_alive);
    if (head) {
      response.content_length(res.body.size());
    } else {
      response.body() = std::move(res.body);
      response.prepare_payload();
    }
    stream.expires_after(server.limits.write_timeout);
    bhttp::async_write(stream, response, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (self->finished) return;
      if (ec) {
        if (ec == beast::error::timeout) ++self->server.timed_out;
        return self->finish();
      }
      self->response = {};  // its body can be large; nothing to keep between requests
      if (self->keep_alive) return self->read_header();
      self->close_gracefully();
    });
  }

  // Half-close, then read and discard until the client closes too (bounded): a close with
  // unread data would reset the connection and the client might never see our answer.
  void close_gracefully() {
    phase = Phase::closing;
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.expires_after(kDrainTime);
    drain();
  }

  void drain() {
    stream.async_read_some(asio::buffer(drain_buffer), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (self->finished) return;
      self->drained += n;
      if (ec || self->drained > kMaxDrainBytes) return self->finish();
      self->drain();
    });
  }

  // Closes the socket and forgets the connection; pending operations end with "aborted".
  void finish() {
    if (finished) return;
    finished = true;
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
    --server.open;
    server.connections.erase(self);  // may drop the last owner: nothing after this line
  }
};

void Server::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (stopping || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors (EMFILE/ENFILE) or memory: the pending connection stays in the
      // backlog; try again shortly instead of spinning.
      http_log()->warn("accept: {}", ec.message());
      accept_retry.expires_after(kAcceptRetry);
      accept_retry.async_wait([this](beast::error_code e) {
        if (!e && !stopping) accept();
      });
      return;
    }
    admit(std::move(socket));
    accept();
  });
}

bool Server::Impl::evict_oldest(const std::string* from) {
  // Closing connections first (we already answered them), then the oldest incomplete request.
  for (const bool closing_only : {true, false})
    for (auto& c : connections) {
      if (from && c->remote != *from) continue;
      if (closing_only ? c->phase != Phase::closing : !evictable(c->phase)) continue;
      ++evicted;
      http_log()->debug("{}: closed to make room for a new connection", c->remote);
      c->finish();
      return true;
    }
  return false;
}

void Server::Impl::admit(tcp::socket socket) {
  beast::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string from = peer.address().to_string();
  if (from.starts_with("::ffff:")) from.erase(0, 7);
  ++accepted;
  int from_this = 0;
  for (const auto& c : connections) from_this += c->remote == from;
  if (from_this >= limits.max_per_client && !evict_oldest(&from)) {
    ++refused;
    socket.close(ec);
    return;
  }
  if (static_cast<int>(connections.size()) >= limits.max_connections && !evict_oldest(nullptr)) {
    ++refused;
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  auto c = std::make_shared<Connection>(*this, std::move(socket), std::move(from));
  connections.push_back(c);
  c->self = std::prev(connections.end());
  ++open;
  c->read_header();
}

void Server::Impl::close_all() {
  while (!connections.empty()) connections.front()->finish();
}

Server::Server(const std::string& host, int port, Limits limits, Handler handler, ErrorHandler on_error)
    : impl_(std::make_shared<Impl>()) {
  Impl& m = *impl_;
  m.limits = limits;
  m.handler = std::move(handler);
  m.on_error = std::move(on_error);
  const auto address = asio::ip::make_address(host);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  m.acceptor.open(endpoint.protocol());
  // A restart rebinds at once; no SO_REUSEPORT, so a second daemon on the port fails.
  m.acceptor.set_option(tcp::acceptor::reuse_address(true));
  if (address.is_v6()) m.acceptor.set_option(asio::ip::v6_only(true));
  m.acceptor.bind(endpoint);
  m.acceptor.listen(128);
  m.port = m.acceptor.local_endpoint().port();
  m.pool.emplace(static_cast<std::size_t>(std::max(1, limits.workers)));
  m.accept();
  m.thread = std::thread([&m] {
    for (;;) {
      try {
        m.io.run();
        return;
      } catch (const std::exception& e) {
        http_log()->error("I/O thread: {}", e.what());
      }
    }
  });
}

Server::~Server() { stop(); }

void Server::stop() {
  Impl& m = *impl_;
  std::call_once(m.stopped, [&m] {
    asio::post(m.io, [&m] {
      m.stopping = true;
      beast::error_code ignored;
      m.acceptor.close(ignored);
      m.accept_retry.cancel();
      m.close_all();
    });
    m.pool->join();  // handlers in progress finish; their answers go nowhere
    m.work.reset();
    asio::post(m.io, [&m] { m.close_all(); });
    m.thread.join();
  });
}

int Server::port() const { return impl_->port; }

ServerStats Server::stats() const {
  const Impl& m = *impl_;
  return {m.accepted.load(), m.evicted.load(), m.timed_out.load(), m.refused.load(), m.open.load()};
}

}  // namespace onair::http
