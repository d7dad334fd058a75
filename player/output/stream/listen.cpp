#include "player/output/stream/listen.hpp"

#include "player/output/stream/encoder.hpp"

namespace onair {

namespace {
// How far behind a listener may fall (beyond its burst) before it is dropped.
constexpr auto kMaxLag = std::chrono::seconds(5);
}  // namespace

ListenOutput::ListenOutput(ListenOptions options) : options_(std::move(options)), describe_(onair::describe(options_.target)) {
  if (!stream_encoder_available(options_.target.codec))
    throw OutputError(describe_ + ": this FFmpeg has no " + std::string(encoder_name(options_.target.codec)) + " encoder");
}

ListenOutput::~ListenOutput() { close(); }

AudioFormat ListenOutput::open(const AudioFormat& requested) {
  close();
  format_ = requested;
  const ListenTarget& t = options_.target;
  const std::size_t per_second = static_cast<std::size_t>(t.bitrate_kbps) * 1000 / 8;
  ListenServerOptions so;
  so.target = t;
  so.now = options_.now;
  so.burst_bytes = per_second * static_cast<std::size_t>(t.burst.count()) / 1000;
  // VBR (Opus) may run over its nominal rate: half as much again, and room for one big frame.
  so.ring_bytes = (so.burst_bytes + per_second * static_cast<std::size_t>(kMaxLag.count())) * 3 / 2 + 16 * 1024;
  auto server = std::make_unique<ListenServer>(std::move(so));
  {
    std::lock_guard lock(server_mutex_);
    server_ = std::move(server);
  }
  header_.clear();
  in_header_ = true;
  StreamEncoderParams p;
  p.codec = t.codec;
  p.bitrate = t.bitrate_kbps * 1000;
  p.channels = t.mono ? 1 : 2;
  p.input = format_;
  p.sink = [this](const std::uint8_t* data, std::size_t size) {
    if (in_header_) header_.insert(header_.end(), data, data + size);
    else server_->append(data, size, false);  // write() wakes the server once
    return true;
  };
  try {
    encoder_ = std::make_unique<StreamEncoder>(p);
  } catch (const std::exception& e) {
    std::lock_guard lock(server_mutex_);
    server_.reset();
    throw OutputError(describe_ + ": encoder: " + e.what());
  }
  server_->set_header(header_);
  in_header_ = false;
  written_.store(0);
  return format_;
}

void ListenOutput::write(const float* interleaved, FrameCount frames) {
  if (!encoder_) return;
  written_ += frames;
  encoder_->write(interleaved, frames);
  encoder_->flush();
  server_->wake();
}

void ListenOutput::post_title(FrameCount, const std::string& title) {
  if (server_) server_->set_title(title);
}

void ListenOutput::close() {
  if (!server_) return;
  encoder_.reset();
  std::lock_guard lock(server_mutex_);
  last_ = server_->counts();
  last_.listening = 0;
  server_.reset();
}

OutputStats ListenOutput::stats() const {
  OutputStats s;
  s.written = written_.load();
  s.played = s.written;
  return s;
}

ListenerCounts ListenOutput::counts() const {
  std::lock_guard lock(server_mutex_);
  return server_ ? server_->counts() : last_;
}

int ListenOutput::port() const {
  std::lock_guard lock(server_mutex_);
  return server_ ? server_->port() : 0;
}

void ListenOutput::collect_status(std::vector<OutputStatus>& into) const {
  const auto c = counts();
  OutputStatus s;
  s.name = describe_;
  s.connected = port() != 0;
  s.bytes = c.bytes_sent;
  s.listeners = c.listening;
  s.listeners_peak = c.peak;
  s.listeners_served = c.served;
  s.listeners_dropped = c.dropped_slow;
  s.refused = c.refused;
  into.push_back(std::move(s));
}

}  // namespace onair
