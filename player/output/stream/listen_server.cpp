#include "player/output/stream/listen_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <list>
#include <mutex>
#include <thread>

#include "player/output/output.hpp"
#include "player/output/stream/url_parts.hpp"

namespace onair {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxRequest = 8 * 1024;
constexpr std::size_t kMaxChatter = 64 * 1024;  // bytes a listener may send after its request
constexpr int kWaitingSlots = 16;               // connections beyond the listener limit, still in their request
constexpr std::size_t kMaxMeta = 255 * 16;

bool same_text_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Constant time in the secret's length: a token is not guessed byte by byte from timings.
bool same_secret(std::string_view given, std::string_view secret) {
  unsigned diff = given.size() == secret.size() ? 0u : 1u;
  for (std::size_t i = 0; i < secret.size(); ++i)
    diff |= static_cast<unsigned>(static_cast<unsigned char>(i < given.size() ? given[i] : 0) ^
                                  static_cast<unsigned char>(secret[i]));
  return diff == 0;
}

std::string peer_text(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
  ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
  port = ntohs(a->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

std::string error_response(int code, std::string_view reason, std::string_view body) {
  std::string r = "HTTP/1.0 " + std::to_string(code) + " " + std::string(reason) +
                  "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size() + 1) +
                  "\r\nConnection: close\r\nServer: onair\r\n\r\n";
  r += body;
  r += '\n';
  return r;
}

}  // namespace

std::string icy_metadata_block(std::string_view title) {
  std::string clean;
  clean.reserve(title.size());
  for (const char c : title) {
    if (c == '\'') clean += "\xE2\x80\x99";  // ’: a quote would end the value early in every client
    else if (static_cast<unsigned char>(c) >= ' ' && c != 0x7f) clean += c;
  }
  constexpr std::string_view open = "StreamTitle='", close = "';";
  const std::size_t room = kMaxMeta - open.size() - close.size();
  if (clean.size() > room) {
    std::size_t cut = room;
    while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    clean.resize(cut);
  }
  std::string text = std::string(open) + clean + std::string(close);
  const std::size_t blocks = (text.size() + 15) / 16;
  text.resize(blocks * 16, '\0');
  return std::string(1, static_cast<char>(blocks)) + text;
}

struct ListenServer::State {
  enum class Phase { request, streaming, closing };
  struct Client {
    int fd = -1;
    std::string peer;
    Phase phase = Phase::request;
    Clock::time_point deadline{};
    std::string in;       // the request, then chatter counted
    std::size_t chatter = 0;
    std::string out;      // response headers, codec header, an error page or a metadata block
    std::size_t out_sent = 0;
    std::uint64_t pos = 0;  // next stream byte to send
    bool icy = false;
    std::size_t until_meta = 0;
    std::uint64_t title_id = 0;  // of the title last sent
    bool blocked = false;        // the socket was full
    bool listener = false;       // counted in `listening`
    bool done = false;
  };
  struct Title {
    std::uint64_t offset, id;
    std::string text;
  };

  ListenServerOptions o;
  std::string name;  // describe()
  int listen_fd = -1, wake_fd = -1;
  std::atomic<bool> stop{false};
  std::list<Client> clients;  // server thread only
  Clock::time_point accept_paused_until{};

  mutable std::mutex mutex;  // everything below
  std::vector<std::uint8_t> ring;
  std::uint64_t head = 0;           // bytes appended so far
  std::deque<std::uint64_t> joins;  // offsets where a listener may start
  std::vector<std::uint8_t> header;
  std::deque<Title> titles;
  std::uint64_t next_title_id = 1;
  ListenerCounts counts;

  std::thread thread;  // last

  ~State() {
    for (auto& c : clients)
      if (c.fd >= 0) ::close(c.fd);
    if (listen_fd >= 0) ::close(listen_fd);
    if (wake_fd >= 0) ::close(wake_fd);
  }

  void wake() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto r = ::write(wake_fd, &one, sizeof one);
  }

  // --- with mutex held ---------------------------------------------------------------

  const Title* title_at(std::uint64_t pos) const {
    const Title* t = nullptr;
    for (const auto& x : titles) {
      if (x.offset > pos) break;
      t = &x;
    }
    return t;
  }

  std::uint64_t join_point() const {
    const std::uint64_t want = head > o.burst_bytes ? head - o.burst_bytes : 0;
    const std::uint64_t oldest = head > ring.size() ? head - ring.size() : 0;
    for (const auto j : joins)
      if (j >= want && j >= oldest) return j;
    return head;
  }

  void close_client(Client& c, const char* why) {
    if (c.done) return;
    c.done = true;
    if (c.listener) {
      --counts.listening;
      output_log()->info("{}: listener {} {} ({} listening)", name, c.peer, why, counts.listening);
    }
  }

  void pump(Client& c) {
    for (;;) {
      if (c.out_sent < c.out.size()) {
        const auto n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
          if (errno == EINTR) continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK) {
            c.blocked = true;
            return;
          }
          return close_client(c, "left");
        }
        c.out_sent += static_cast<std::size_t>(n);
        if (c.out_sent < c.out.size()) continue;
        c.out.clear();
        c.out_sent = 0;
      }
      if (c.phase == Phase::closing) {
        ::shutdown(c.fd, SHUT_WR);
        return close_client(c, "answered");
      }
      if (c.pos >= head) {
        c.blocked = false;
        return;
      }
      if (head - c.pos > ring.size()) {
        ++counts.dropped_slow;
        return close_client(c, "dropped: it stopped reading");
      }
      const std::size_t at = static_cast<std::size_t>(c.pos % ring.size());
      std::size_t n = std::min<std::uint64_t>(head - c.pos, ring.size() - at);
      if (c.icy) n = std::min(n, c.until_meta);
      const auto sent = ::send(c.fd, ring.data() + at, n, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          c.blocked = true;
          return;
        }
        return close_client(c, "left");
      }
      c.pos += static_cast<std::uint64_t>(sent);
      counts.bytes_sent += sent;
      if (c.icy && (c.until_meta -= static_cast<std::size_t>(sent)) == 0) {
        c.until_meta = o.metaint;
        const Title* t = title_at(c.pos);
        if (t && t->id != c.title_id) {
          c.out = icy_metadata_block(t->text);
          c.title_id = t->id;
        } else {
          c.out.assign(1, '\0');  // no change
        }
      }
    }
  }

  // --- server thread -----------------------------------------------------------------

  void refuse(Client& c, int code, std::string_view reason, std::string_view body) {
    {
      std::lock_guard lock(mutex);
      ++counts.refused;
    }
    c.phase = Phase::closing;
    c.out = error_response(code, reason, body);
    c.out_sent = 0;
    c.deadline = o.now() + o.request_timeout;
  }

  void answer(Client& c) {
    const std::string_view req(c.in);
    const auto line_end = req.find('\n');
    const std::string_view line = trim(req.substr(0, line_end));
    const auto sp1 = line.find(' ');
    const auto sp2 = line.find(' ', sp1 == std::string_view::npos ? sp1 : sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos)
      return refuse(c, 400, "Bad Request", "onair: not an HTTP request");
    const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const bool head_only = method == "HEAD";
    if (method != "GET" && !head_only) return refuse(c, 405, "Method Not Allowed", "onair: GET or HEAD only");
    const auto q = target.find('?');
    if (target.substr(0, q) != o.target.path)
      return refuse(c, 404, "Not Found", "onair: no stream here; try " + o.target.path);
    if (!o.target.token.empty()) {
      std::string given, bad;
      if (q != std::string_view::npos)
        if (const auto pairs = split_query(target.substr(q + 1), bad))
          for (const auto& [k, v] : *pairs)
            if (k == "token") given = v;
      if (!same_secret(given, o.target.token))
        return refuse(c, 403, "Forbidden", "onair: this stream needs its token (?token=…)");
    }
    bool icy = false;
    for (std::size_t at = line_end; at != std::string_view::npos && at + 1 < req.size();) {
      const auto next = req.find('\n', at + 1);
      const std::string_view h = req.substr(at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
      at = next;
      const auto colon = h.find(':');
      if (colon != std::string_view::npos && same_text_ci(trim(h.substr(0, colon)), "icy-metadata"))
        icy = trim(h.substr(colon + 1)) == "1";
    }
    icy = icy && o.target.codec != StreamCodec::opus;  // Ogg carries its titles itself
    std::lock_guard lock(mutex);
    if (!head_only && counts.listening >= o.target.max_listeners) {
      ++counts.refused;
      c.phase = Phase::closing;
      c.out = error_response(503, "Service Unavailable",
                             "onair: the stream has its " + std::to_string(o.target.max_listeners) + " listeners");
      c.deadline = o.now() + o.request_timeout;
      output_log()->warn("{}: refused {}: the server is full ({} listeners)", name, c.peer, counts.listening);
      return;
    }
    std::string r = "HTTP/1.0 200 OK\r\nContent-Type: " + std::string(mime_type(o.target.codec)) +
                    "\r\nCache-Control: no-cache, no-store\r\nPragma: no-cache\r\nConnection: close\r\n"
                    "Access-Control-Allow-Origin: *\r\nServer: onair\r\nicy-br: " +
                    std::to_string(o.target.bitrate_kbps) + "\r\nicy-pub: 0\r\n";
    if (!o.target.name.empty()) r += "icy-name: " + o.target.name + "\r\n";
    if (icy) r += "icy-metaint: " + std::to_string(o.metaint) + "\r\n";
    r += "\r\n";
    c.in.clear();
    c.out = std::move(r);
    c.out_sent = 0;
    if (head_only) {
      c.phase = Phase::closing;
      c.deadline = o.now() + o.request_timeout;
      return;
    }
    c.out.append(header.begin(), header.end());
    c.phase = Phase::streaming;
    c.pos = join_point();
    c.icy = icy;
    c.until_meta = o.metaint;
    c.listener = true;
    ++counts.served;
    counts.peak = std::max(counts.peak, ++counts.listening);
    output_log()->info("{}: listener {} connected{} ({} listening)", name, c.peer, icy ? " (titles)" : "",
                       counts.listening);
  }

  bool allowed(const sockaddr_storage& ss) const {
    const auto ip = ip_of(reinterpret_cast<const sockaddr*>(&ss));
    if (!ip) return false;
    if (ip->loopback() || o.target.allow.empty()) return true;
    return std::any_of(o.target.allow.begin(), o.target.allow.end(), [&](const NetworkRange& r) { return r.contains(*ip); });
  }

  void accept_all() {
    for (;;) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        // Out of descriptors: the pending connection keeps the socket readable, so stop
        // polling it for a while rather than spin.
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) accept_paused_until = o.now() + 250ms;
        return;
      }
      const int sndbuf = static_cast<int>(o.send_buffer);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
      Client& c = clients.emplace_back();
      c.fd = fd;
      c.peer = peer_text(ss);
      c.deadline = o.now() + o.request_timeout;
      if (!allowed(ss)) {
        output_log()->warn("{}: refused {}: not in allow", name, c.peer);
        refuse(c, 403, "Forbidden", "onair: this address may not listen");
      } else if (static_cast<int>(clients.size()) > o.target.max_listeners + kWaitingSlots) {
        std::lock_guard lock(mutex);
        ++counts.refused;
        c.done = true;  // closed at once: more connections than listeners and their requests
      }
    }
  }

  void read_from(Client& c) {
    char buf[4096];
    for (;;) {
      const auto n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) {
        std::lock_guard lock(mutex);
        return close_client(c, "left");
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        std::lock_guard lock(mutex);
        return close_client(c, "left");
      }
      if (c.phase != Phase::request) {
        if ((c.chatter += static_cast<std::size_t>(n)) > kMaxChatter) {
          std::lock_guard lock(mutex);
          return close_client(c, "dropped: it sent too much");
        }
        continue;
      }
      c.in.append(buf, static_cast<std::size_t>(n));
      const auto end = c.in.find("\r\n\r\n");
      const auto end_lf = c.in.find("\n\n");
      if (end != std::string::npos || end_lf != std::string::npos) {
        c.in.resize(std::min(end, end_lf));
        answer(c);
        if (c.phase != Phase::request) return;
      } else if (c.in.size() > kMaxRequest) {
        return refuse(c, 431, "Request Header Fields Too Large", "onair: request too large");
      }
    }
  }

  void run() {
    std::vector<pollfd> fds;
    std::vector<Client*> polled;
    while (!stop.load(std::memory_order_acquire)) {
      fds.clear();
      polled.clear();
      fds.push_back({wake_fd, POLLIN, 0});
      fds.push_back({listen_fd, static_cast<short>(o.now() >= accept_paused_until ? POLLIN : 0), 0});
      for (auto& c : clients) {
        short events = POLLIN;
        if (c.blocked || c.phase == Phase::closing) events |= POLLOUT;
        fds.push_back({c.fd, events, 0});
        polled.push_back(&c);
      }
      const int ready = ::poll(fds.data(), fds.size(), 250);
      if (ready < 0 && errno != EINTR) break;
      if (fds[0].revents & POLLIN) {
        std::uint64_t v;
        [[maybe_unused]] const auto r = ::read(wake_fd, &v, sizeof v);
      }
      if (fds[1].revents & POLLIN) accept_all();
      const auto now = o.now();
      for (std::size_t i = 0; i < polled.size(); ++i) {
        Client& c = *polled[i];
        const short re = fds[i + 2].revents;
        if (re & (POLLIN | POLLHUP | POLLERR)) read_from(c);
        if ((re & POLLNVAL) || (c.phase != Phase::streaming && now >= c.deadline)) {
          std::lock_guard lock(mutex);
          close_client(c, "timed out");
        }
      }
      {
        std::lock_guard lock(mutex);
        for (auto& c : clients)
          if (!c.done && c.phase != Phase::request) pump(c);
      }
      for (auto it = clients.begin(); it != clients.end();) {
        if (it->done) {
          ::close(it->fd);
          it = clients.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
};

ListenServer::ListenServer(ListenServerOptions options) : s_(std::make_unique<State>()) {
  State& s = *s_;
  s.o = std::move(options);
  if (!s.o.now) s.o.now = [] { return Clock::now(); };
  s.name = describe(s.o.target);
  s.ring.resize(std::max<std::size_t>(s.o.ring_bytes, 4096));
  s.o.burst_bytes = std::min(s.o.burst_bytes, s.ring.size() / 2);
  const auto& a = s.o.target.address;
  auto fail = [&](const std::string& what) {
    throw OutputError(s.name + ": cannot listen on " + (a.v6 ? "[" + a.text() + "]" : a.text()) + ":" +
                      std::to_string(s.o.target.port) + ": " + what);
  };
  s.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s.wake_fd < 0) fail(std::strerror(errno));
  s.listen_fd = ::socket(a.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.listen_fd < 0) fail(std::strerror(errno));
  const int one = 1;
  ::setsockopt(s.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  const socklen_t len = to_sockaddr(a, s.o.target.port, ss);
  if (::bind(s.listen_fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(s.listen_fd, 64) != 0)
    fail(std::strerror(errno));
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  ::getsockname(s.listen_fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  s.thread = std::thread([&s] { s.run(); });
  output_log()->info("{}: listening ({} at {} kbit/s, at most {} listeners)", s.name, codec_label(s.o.target.codec),
                     s.o.target.bitrate_kbps, s.o.target.max_listeners);
}

ListenServer::~ListenServer() {
  s_->stop.store(true, std::memory_order_release);
  s_->wake();
  if (s_->thread.joinable()) s_->thread.join();
}

void ListenServer::set_header(std::vector<std::uint8_t> header) {
  std::lock_guard lock(s_->mutex);
  s_->header = std::move(header);
}

void ListenServer::wake() { s_->wake(); }

void ListenServer::append(const std::uint8_t* data, std::size_t size, bool wake) {
  State& s = *s_;
  {
    std::lock_guard lock(s.mutex);
    if (size > s.ring.size()) {  // never at these bit rates; keep the newest part whole
      data += size - s.ring.size();
      size = s.ring.size();
    }
    s.joins.push_back(s.head);
    for (std::size_t done = 0; done < size;) {
      const std::size_t at = static_cast<std::size_t>((s.head + done) % s.ring.size());
      const std::size_t n = std::min(size - done, s.ring.size() - at);
      std::memcpy(s.ring.data() + at, data + done, n);
      done += n;
    }
    s.head += size;
    const std::uint64_t oldest = s.head > s.ring.size() ? s.head - s.ring.size() : 0;
    while (!s.joins.empty() && s.joins.front() < oldest) s.joins.pop_front();
    while (s.titles.size() > 1 && s.titles[1].offset <= oldest) s.titles.pop_front();
  }
  if (wake) s.wake();
}

void ListenServer::set_title(std::string title) {
  std::lock_guard lock(s_->mutex);
  s_->titles.push_back({s_->head, s_->next_title_id++, std::move(title)});
  if (s_->titles.size() > 256) s_->titles.pop_front();  // a title per frame would still be bounded
}

ListenerCounts ListenServer::counts() const {
  std::lock_guard lock(s_->mutex);
  return s_->counts;
}

}  // namespace onair
