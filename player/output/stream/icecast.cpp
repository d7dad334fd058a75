#include "player/output/stream/icecast.hpp"

#include <shout/shout.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <thread>

#include "player/output/stream/encoder.hpp"

namespace onair {

using namespace std::chrono_literals;

namespace {

void shout_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    shout_init();  // never shut down: other outputs may use it
    // libshout writes to its socket without MSG_NOSIGNAL: a server that dies would kill the
    // whole station with SIGPIPE. Ignored, the write fails with EPIPE and we reconnect.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, nullptr);
  });
}

struct ShoutDeleter {
  void operator()(shout_t* s) const noexcept {
    shout_close(s);
    shout_free(s);
  }
};

}  // namespace

// Debian 12's libshout 2.4.6 frees nothing in shout_free() once a connection attempt has
// failed (it returns early without a connection object): a handle per attempt would leak
// about 1.2 KB every retry, 3.5 MB a day with the server gone. So one handle serves every
// attempt of an open output (shout_close() between them); at most it is lost at close().
struct IcecastOutput::Handle {
  std::unique_ptr<shout_t, ShoutDeleter> shout;
};

struct IcecastOutput::Connection {
  shout_t* shout = nullptr;  // handle_'s
  std::unique_ptr<StreamEncoder> encoder;
  std::int64_t bytes = 0;
  std::string error;  // set by the sink when a send failed
};

IcecastOutput::IcecastOutput(IcecastOptions options)
    : options_(std::move(options)), describe_(onair::describe(options_.target)), backoff_(options_.first_retry) {
  if (!options_.now) options_.now = [] { return std::chrono::steady_clock::now(); };
  if (!stream_encoder_available(options_.target.codec))
    throw OutputError(describe_ + ": this FFmpeg has no " +
                      std::string(encoder_name(options_.target.codec)) + " encoder");
  shout_library();
}

IcecastOutput::~IcecastOutput() { close(); }

AudioFormat IcecastOutput::open(const AudioFormat& requested) {
  close();
  format_ = requested;
  next_try_ = options_.now();  // the first write connects
  backoff_ = options_.first_retry;
  written_.store(0);
  down_reported_ = false;
  down_since_ = options_.now();
  {
    std::lock_guard lock(mutex_);
    state_.connected = false;
    state_.since = options_.now();  // not connected from now: the station's stream_down counts from here
  }
  return format_;
}

bool IcecastOutput::connect() {
  const IcecastTarget& t = options_.target;
  auto c = std::make_unique<Connection>();
  if (!handle_) {
    handle_ = std::make_unique<Handle>();
    handle_->shout.reset(shout_new());
  }
  shout_t* s = handle_->shout.get();
  if (!s) throw OutputError("libshout: out of memory");
  shout_close(s);  // a failed or lost attempt leaves it half-open
  c->shout = s;
  const std::string bitrate = std::to_string(t.bitrate_kbps);
  const std::string channels = t.mono ? "1" : "2";
  const std::string rate = std::to_string(t.codec == StreamCodec::opus ? 48000 : format_.sample_rate);
  const bool ok = shout_set_host(s, t.host.c_str()) == SHOUTERR_SUCCESS &&
                  shout_set_port(s, static_cast<unsigned short>(t.port)) == SHOUTERR_SUCCESS &&
                  shout_set_user(s, t.user.c_str()) == SHOUTERR_SUCCESS &&
                  shout_set_password(s, t.password.c_str()) == SHOUTERR_SUCCESS &&
                  shout_set_mount(s, t.mount.c_str()) == SHOUTERR_SUCCESS &&
                  shout_set_protocol(s, SHOUT_PROTOCOL_HTTP) == SHOUTERR_SUCCESS &&
                  shout_set_content_format(s, t.codec == StreamCodec::mp3 ? SHOUT_FORMAT_MP3 : SHOUT_FORMAT_OGG,
                                           SHOUT_USAGE_AUDIO, nullptr) == SHOUTERR_SUCCESS &&
                  shout_set_agent(s, "onair") == SHOUTERR_SUCCESS &&
                  shout_set_audio_info(s, SHOUT_AI_BITRATE, bitrate.c_str()) == SHOUTERR_SUCCESS &&
                  shout_set_audio_info(s, SHOUT_AI_CHANNELS, channels.c_str()) == SHOUTERR_SUCCESS &&
                  shout_set_audio_info(s, SHOUT_AI_SAMPLERATE, rate.c_str()) == SHOUTERR_SUCCESS &&
                  (t.name.empty() || shout_set_meta(s, SHOUT_META_NAME, t.name.c_str()) == SHOUTERR_SUCCESS) &&
                  shout_set_nonblocking(s, 1) == SHOUTERR_SUCCESS;
  if (!ok) {
    lost(std::string("libshout: ") + shout_get_error(s));
    return false;
  }
  // Non-blocking, so a server that does not answer cannot hold this thread past the timeout.
  int ret = shout_open(s);
  for (auto waited = 0ms; ret == SHOUTERR_BUSY && waited < options_.connect_timeout; waited += 10ms) {
    std::this_thread::sleep_for(10ms);  // an I/O timeout, not schedule logic: real time
    ret = shout_get_connected(s);
  }
  if (ret != SHOUTERR_SUCCESS && ret != SHOUTERR_CONNECTED) {
    lost(ret == SHOUTERR_BUSY ? std::string("no answer within the connect timeout")
                              : std::string("connect: ") + shout_get_error(s));
    return false;
  }
  Connection* raw = c.get();
  StreamEncoderParams p;
  p.codec = t.codec;
  p.bitrate = t.bitrate_kbps * 1000;
  p.channels = t.mono ? 1 : 2;
  p.input = format_;
  p.sink = [raw](const std::uint8_t* data, std::size_t size) {
    const int r = shout_send(raw->shout, data, size);
    if (r != SHOUTERR_SUCCESS && r != SHOUTERR_BUSY) {
      raw->error = shout_get_error(raw->shout);
      return false;
    }
    raw->bytes += static_cast<std::int64_t>(size);
    return true;
  };
  try {
    c->encoder = std::make_unique<StreamEncoder>(std::move(p));
  } catch (const std::exception& e) {
    lost(std::string("encoder: ") + e.what());
    return false;
  }
  conn_ = std::move(c);
  backoff_ = options_.first_retry;
  {
    std::lock_guard lock(mutex_);
    state_.connected = true;
    ++state_.connects;
    state_.since = options_.now();
    title_pending_ = !title_.empty();
  }
  output_log()->info("{}: connected", describe_);
  if (down_reported_) {
    const auto down = std::chrono::duration_cast<std::chrono::milliseconds>(options_.now() - down_since_);
    report(OutputEventKind::connected, fmt::format("back after {:.1f} s without the server", down.count() / 1000.0));
  } else {
    report(OutputEventKind::connected, "");
  }
  down_reported_ = false;
  return true;
}

void IcecastOutput::report(OutputEventKind kind, std::string detail) {
  if (OutputEvents* events = events_.load()) events->output_event(OutputEvent{kind, describe_, std::move(detail)});
}

void IcecastOutput::lost(const std::string& why) {
  const bool was = conn_ != nullptr;
  conn_.reset();
  if (handle_) shout_close(handle_->shout.get());
  const auto wait = backoff_;
  next_try_ = options_.now() + wait;
  backoff_ = std::min(backoff_ * 2, options_.max_retry);
  {
    std::lock_guard lock(mutex_);
    ++state_.failures;
    state_.last_error = why;
    if (state_.connected) state_.since = options_.now();
    state_.connected = false;
  }
  output_log()->warn("{}: {} {}; next try in {} ms", describe_, was ? "lost:" : "cannot connect:", why, wait.count());
  // Once per outage: a lost connection, or the first attempt that fails after open().
  if (was || !down_reported_) {
    if (was) down_since_ = options_.now();
    report(OutputEventKind::disconnected, (was ? "lost: " : "cannot connect: ") + why);
    down_reported_ = true;
  }
}

void IcecastOutput::write(const float* interleaved, FrameCount frames) {
  written_ += frames;
  if (!conn_ && (options_.now() < next_try_ || !connect())) {
    std::lock_guard lock(mutex_);
    state_.dropped_frames += frames;
    return;
  }
  try {
    conn_->encoder->write(interleaved, frames);
    conn_->encoder->flush();
  } catch (const std::exception& e) {
    lost(conn_->error.empty() ? e.what() : conn_->error);
    return;
  }
  // A server that has stopped reading: what waits to be sent grows without bound.
  const auto queued = shout_queuelen(conn_->shout);
  if (queued > static_cast<ssize_t>(options_.target.bitrate_kbps) * 1000 / 8 * 5) {
    lost("the server stopped reading (" + std::to_string(queued) + " bytes waiting)");
    return;
  }
  std::string title;
  {
    std::lock_guard lock(mutex_);
    state_.bytes = conn_->bytes;
    if (title_pending_) title = title_;
    title_pending_ = false;
  }
  if (!title.empty() && options_.target.codec == StreamCodec::mp3) {
    // ICY metadata: libshout sends Icecast's metadata update request (MP3 only; Ogg streams
    // carry titles in their own headers).
    shout_metadata_t* meta = shout_metadata_new();
    if (meta && shout_metadata_add(meta, "song", title.c_str()) == SHOUTERR_SUCCESS &&
        shout_set_metadata_utf8(conn_->shout, meta) != SHOUTERR_SUCCESS)
      output_log()->warn("{}: title not updated: {}", describe_, shout_get_error(conn_->shout));
    if (meta) shout_metadata_free(meta);
  }
}

void IcecastOutput::set_title(std::string title) {
  std::lock_guard lock(mutex_);
  title_ = std::move(title);
  title_pending_ = true;
}

void IcecastOutput::close() {
  if (conn_) {
    try {
      conn_->encoder->flush();
    } catch (const std::exception&) {
    }
  }
  conn_.reset();
  handle_.reset();
  std::lock_guard lock(mutex_);
  state_.connected = false;
}

OutputStats IcecastOutput::stats() const {
  std::lock_guard lock(mutex_);
  OutputStats s;
  s.written = written_.load();
  s.dropped_frames = state_.dropped_frames;
  return s;
}

void IcecastOutput::collect_status(std::vector<OutputStatus>& into) const {
  const StreamState st = state();
  OutputStatus s;
  s.name = describe_;
  s.connected = st.connected;
  s.bytes = st.bytes;
  s.connects = st.connects;
  s.failures = st.failures;
  s.dropped_frames = st.dropped_frames;
  s.last_error = st.last_error;
  s.since = st.since;
  into.push_back(std::move(s));
}

StreamState IcecastOutput::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

}  // namespace onair
