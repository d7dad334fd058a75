#include "player/output/portaudio/output.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "player/output/portaudio/stream.hpp"
#include "player/output/portaudio/worker.hpp"

namespace onair {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

PortAudioOutput::PortAudioOutput(PortAudioOutputOptions options)
    : options_(std::move(options)), shared_(std::make_shared<StreamShared>()) {}

PortAudioOutput::~PortAudioOutput() {
  try {
    close();
  } catch (const std::exception& e) {
    output_log()->error("{}: {}", describe(), e.what());
  }
}

std::string PortAudioOutput::describe() const {
  return "pa:" + (options_.device.empty() ? std::string("default") : options_.device);
}

Sleeper& PortAudioOutput::sleeper() const { return options_.sleeper ? *options_.sleeper : system_sleeper(); }

StreamRequest PortAudioOutput::request(const AudioFormat& format, bool exact) const {
  return {options_.device, format, exact, options_.buffer, options_.latency, options_.frames_per_buffer,
          options_.extra_latency};
}

AudioFormat PortAudioOutput::open(const AudioFormat& requested) {
  if (opened_) throw OutputError(describe() + ": already open");
  if (requested.sample_rate <= 0 || requested.channels <= 0) throw OutputError(describe() + ": invalid format");
  // No stream is attached now, so nothing else writes these.
  written_ = dropped_ = 0;
  reopens_ = 0;
  shared_->next_frame = 0;
  shared_->underruns = 0;
  shared_->underrun_frames = 0;
  shared_->stamps.clear();

  auto stream = PaStreamHandle::open(request(requested, false), shared_);  // throws
  format_ = stream->format();
  worker_ = PaWorker::start(shared_, describe());
  pacer_ = std::make_unique<Pacer>(sleeper(), format_, format_.frames(options_.buffer));
  install(std::move(stream));
  opened_ = true;

  auto log = output_log();
  log->info("{}: opened '{}' at {} Hz, {} ch, latency {:.1f} ms, ring {} ms", describe(), device_name_,
            format_.sample_rate, format_.channels, latency_ * 1000, options_.buffer.count());
  if (format_.sample_rate != requested.sample_rate)
    log->warn("{}: '{}' does not take {} Hz; opened at {} Hz, audio will be resampled", describe(), device_name_,
              requested.sample_rate, format_.sample_rate);
  if (format_.channels != requested.channels)
    log->warn("{}: '{}' has {} output channels, {} requested", describe(), device_name_, format_.channels,
              requested.channels);
  return format_;
}

void PortAudioOutput::install(std::unique_ptr<PaStreamHandle> stream) {
  shared_->next_frame = written_.load();  // the first frame this stream will play
  ++shared_->epoch;
  device_name_ = stream->device_name();
  latency_ = stream->latency();
  ring_frames_ = static_cast<FrameCount>(stream->ring().capacity());
  stream->attach();
  stream_ = std::move(stream);
  device_ok_ = true;
  last_heartbeat_ = stream_->heartbeat();
  last_progress_ = sleeper().now();
}

bool PortAudioOutput::try_install() {
  auto stream = worker_->take_reopened();
  if (!stream) return false;
  install(std::move(stream));
  ++reopens_;
  output_log()->info("{}: reopened '{}'; playing again from frame {}", describe(), device_name_, written_.load());
  return true;
}

bool PortAudioOutput::check_alive() {
  if (!stream_) return false;
  const MonoTime now = sleeper().now();
  const std::uint64_t hb = stream_->heartbeat();
  if (hb != last_heartbeat_) {
    last_heartbeat_ = hb;
    last_progress_ = now;
  }
  const int active = stream_->active();
  if (active < 0) {
    lose_device(fmt::format("stream error {}", active));
  } else if (active == 0) {
    lose_device("the stream stopped");
  } else if (now - last_progress_ > options_.heartbeat_timeout) {
    lose_device(fmt::format("no audio callback for {} ms", duration_cast<milliseconds>(now - last_progress_).count()));
  } else {
    return true;
  }
  return false;
}

void PortAudioOutput::lose_device(const std::string& why) {
  output_log()->error("{}: lost '{}': {}; dropping audio in real time until it is back", describe(), device_name_,
                      why);
  device_ok_ = false;
  stream_->detach();  // from here on the engine thread owns the shared counters
  // What was rendered but never played is gone; the timeline continues after it.
  const FrameCount w = written_.load();
  dropped_ += w - shared_->next_frame.load();
  shared_->next_frame = w;
  pacer_->restart(w, ++shared_->epoch);
  worker_->dispose(std::move(stream_));
  worker_->request_reopen(request(format_, true), options_.reopen_min, options_.reopen_max);
}

void PortAudioOutput::write_dropped(FrameCount frames) {
  written_ += frames;
  dropped_ += frames;
  shared_->next_frame += frames;
  pacer_->advance(frames);  // real-time pace, so the engine's timeline keeps moving
  shared_->epoch = pacer_->epoch();
  if (auto s = pacer_->stamp()) shared_->stamps.store(*s);
}

void PortAudioOutput::write(const float* interleaved, FrameCount frames) {
  if (!opened_) throw OutputError(describe() + ": not open");
  if (stream_) stream_->set_quiet(false);
  while (frames > 0) {
    if (!stream_ && !try_install()) {
      write_dropped(frames);
      return;
    }
    const auto n = static_cast<FrameCount>(stream_->ring().write(interleaved, static_cast<std::size_t>(frames)));
    written_ += n;
    frames -= n;
    interleaved += n * format_.channels;
    if (!check_alive() || frames == 0) continue;
    // Ring full: wait until what we still need and a quarter of the ring are free (at most
    // half the ring), so the engine wakes a few times per period-group instead of once per
    // device period: each wake-up costs more than rendering a block (measured by
    // bench/play_cpu.sh). Briefly enough, still, to notice a dead device promptly.
    const auto capacity = static_cast<FrameCount>(stream_->ring().capacity());
    const FrameCount need = std::min(std::max(frames, capacity / 4), capacity / 2);
    sleeper().sleep_for(std::clamp<nanoseconds>(format_.duration(need), milliseconds(1), milliseconds(50)));
  }
}

void PortAudioOutput::drain() {
  if (!stream_) return;
  // Nothing more comes: the callback that takes the last frames short of its buffer is the
  // end of the programme, not an underrun (and nor are the empty ones after it).
  stream_->set_quiet(true);
  const MonoTime deadline = sleeper().now() + options_.buffer + options_.heartbeat_timeout;
  while (shared_->next_frame.load() < written_.load() && sleeper().now() < deadline) {
    if (!check_alive()) return;
    sleeper().sleep_for(milliseconds(5));
  }
}

void PortAudioOutput::close() {
  if (!opened_) return;
  opened_ = false;
  if (stream_) {
    // Detached now, so a reopen() right after cannot race with its last callbacks; what
    // the host already holds still plays out (graceful stop).
    stream_->detach();
    stream_->set_graceful_stop(true);
    worker_->dispose(std::move(stream_));
  }
  device_ok_ = false;
  if (!worker_->stop(options_.close_timeout))
    output_log()->warn("{}: the driver is still releasing '{}'; not waiting for it", describe(), device_name_);
  worker_.reset();
  const OutputStats s = stats();
  output_log()->info("{}: closed; {} frames written, {} underruns, {} dropped, {} reopens", describe(), s.written,
                     s.underruns, s.dropped_frames, s.reopens);
}

FrameCount PortAudioOutput::retract(FrameCount most, FrameCount keep) {
  if (!stream_ || most <= 0) return 0;
  const std::size_t took = stream_->ring().retract(
      static_cast<std::size_t>(most), static_cast<std::size_t>(std::max<FrameCount>(keep, 0)),
      [this] { sleeper().sleep_for(milliseconds(1)); }, 200);
  written_ -= static_cast<FrameCount>(took);
  return static_cast<FrameCount>(took);
}

FrameCount PortAudioOutput::retractable() const {
  if (!stream_) return 0;
  return std::max<FrameCount>(0, written_.load() - shared_->next_frame.load());
}

std::optional<OutputStamp> PortAudioOutput::stamp() const { return shared_->stamps.load(); }

OutputStats PortAudioOutput::stats() const {
  OutputStats s;
  s.written = written_.load();
  s.played = shared_->next_frame.load();
  s.underruns = shared_->underruns.load();
  s.underrun_frames = shared_->underrun_frames.load();
  s.dropped_frames = dropped_.load();
  s.reopens = reopens_.load();
  return s;
}

}  // namespace onair
