#pragma once
// onair's own HTTP stream server (`listen://`, docs/streams.md): one thread and poll() for
// every listener, each reading at its own position in one shared ring of encoded bytes, so a
// listener costs a socket and a few hundred bytes, never a thread or a copy of the stream.
//
// What the stream's writer appends (each append starts where a listener can join: an MP3 or
// ADTS frame, an Ogg page) is sent to every listener; a new listener gets the codec's header
// (Ogg Opus) and then up to `burst` bytes already sent, from a join point, so a player starts
// at once. A listener that falls behind by more than the ring holds is dropped, and nobody
// else notices. ICY metadata (StreamTitle, every `metaint` bytes) goes to clients that send
// `Icy-MetaData: 1`, each seeing the title of the audio it is at.
//
// Hostile input: requests are capped (8 KiB, 5 s to send one), connections are capped
// (listeners + 16 waiting), an address outside the allow-list gets 403 before anything of its
// request is read, a missing or wrong token 403 (compared in constant time), a full server 503.
//
// Thread-safe: append/set_header/set_title from the stream's writer, counts() from anyone.
// Plain HTTP/1.0 without chunking, which every receiver (Barix-type decoders, 4G horns, VLC,
// ffmpeg, browsers) takes; cpp-httplib's server would hold a thread per listener and chunk.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "player/output/stream/listen_url.hpp"

namespace onair {

struct ListenServerOptions {
  ListenTarget target;
  std::size_t ring_bytes = 256 * 1024;   // how far back a listener may be before it is dropped
  std::size_t burst_bytes = 16 * 1024;   // given to a new listener at once
  std::size_t metaint = 16000;           // ICY: audio bytes between metadata blocks
  std::size_t send_buffer = 32 * 1024;   // SO_SNDBUF of each listener's socket
  std::chrono::milliseconds request_timeout{5000};
  std::function<std::chrono::steady_clock::time_point()> now;  // default: steady_clock::now
};

struct ListenerCounts {
  int listening = 0;             // now
  int peak = 0;
  std::int64_t served = 0;       // listeners accepted so far
  std::int64_t refused = 0;      // 403, 404, 503, bad requests, over the connection cap
  std::int64_t dropped_slow = 0; // listeners that fell behind the ring
  std::int64_t bytes_sent = 0;
};

class ListenServer {
 public:
  // Binds and starts serving; throws OutputError ("listen://…: cannot listen on …: Address
  // already in use").
  explicit ListenServer(ListenServerOptions options);
  ~ListenServer();  // disconnects everyone
  ListenServer(const ListenServer&) = delete;
  ListenServer& operator=(const ListenServer&) = delete;

  // What every listener gets first (an Ogg stream's header pages).
  void set_header(std::vector<std::uint8_t> header);
  // The stream goes on; `data` begins at a join point. `wake` false: the server thread is
  // told later (wake()), once for several appends (a write's worth of MP3 frames).
  void append(const std::uint8_t* data, std::size_t size, bool wake = true);
  void wake();
  // The title of the audio appended from now on.
  void set_title(std::string title);

  ListenerCounts counts() const;
  int port() const noexcept { return port_; }

 private:
  struct State;
  std::unique_ptr<State> s_;
  int port_ = 0;
};

// The ICY metadata block for `title`: a length byte (in 16-byte units) and
// "StreamTitle='…';" padded with NULs. Quotes become ’, control characters go, and a title
// over 4,064 bytes is cut at a character boundary (the block holds 4,080).
std::string icy_metadata_block(std::string_view title);

}  // namespace onair
