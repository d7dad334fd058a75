#include "player/monitor/aircheck.hpp"
#include "player/log.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "player/monitor/aircheck_encoder.hpp"
#include "player/monitor/aircheck_files.hpp"
#include "player/ffmpeg/log_bridge.hpp"
#include "player/output/spsc_ring.hpp"
#include "scheduler/timecode.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;

constexpr int kDefaultMp3Bitrate = 96'000;
constexpr int kDefaultOpusBitrate = 64'000;
constexpr std::size_t kBlockSlots = 8192;        // descriptors in flight
constexpr FrameCount kReadChunk = 4096;          // frames the worker takes from the ring at once
constexpr FrameCount kMaxGapFill = 3600 * 48000;  // silence inserted for one gap, at most (1 h at 48 kHz)
// A clock that steps back by less than this (a real clock re-anchoring) stays in the hour.
constexpr auto kBackwardTolerance = 2s;
// How often the worker looks for new audio (write() does not wake it).
constexpr auto kPoll = 20ms;
constexpr int kBatch = 64;  // blocks between flushes of the current file
// Longest write() waits for room when options.wait_when_full.
constexpr auto kMaxWait = 10s;

std::shared_ptr<spdlog::logger> aircheck_log() { return named_logger("aircheck"); }

// One engine block (or a piece of it) in the ring. Frames are numbered from the first
// frame ever passed to write(), dropped ones included, so the worker can see gaps.
struct Block {
  FrameCount first;
  FrameCount frames;
  std::int64_t t0_us;  // wall time of `first`, µs since the epoch
};

// Frames i >= 0 with t0 + duration_of(i) < end.
FrameCount frames_before(TimePoint t0, TimePoint end, int rate) {
  if (end <= t0) return 0;
  FrameCount k = (end - t0).count() * rate / 1'000'000;
  while (t0 + duration_of(k, rate) < end) ++k;
  while (k > 0 && t0 + duration_of(k - 1, rate) >= end) --k;
  return k;
}

}  // namespace

const char* to_string(AirCheckFormat f) noexcept { return f == AirCheckFormat::mp3 ? "mp3" : "opus"; }

std::optional<AirCheckFormat> parse_aircheck_format(std::string_view text) noexcept {
  if (text == "mp3") return AirCheckFormat::mp3;
  if (text == "opus") return AirCheckFormat::opus;
  return std::nullopt;
}

int aircheck_bitrate(const AirCheckOptions& options) noexcept {
  if (options.bitrate > 0) return options.bitrate;
  return options.format == AirCheckFormat::mp3 ? kDefaultMp3Bitrate : kDefaultOpusBitrate;
}

std::string AirCheckRecorder::validate(const AirCheckOptions& o, const AudioFormat& format) {
  if (o.folder.empty()) return "air-check folder is not set";
  if (format.sample_rate <= 0 || format.channels <= 0) return "air-check: bad audio format";
  if (o.bitrate < 0) return "air-check bitrate must not be negative";
  if (o.bitrate > 0) {
    const bool mp3 = o.format == AirCheckFormat::mp3;
    const int lo = mp3 ? 32'000 : 6'000, hi = mp3 ? 320'000 : 510'000;
    if (o.bitrate < lo || o.bitrate > hi)
      return fmt::format("air-check bitrate {} bit/s is out of range for {} ({}..{})", o.bitrate, to_string(o.format),
                         lo, hi);
  }
  if (o.retention_days < 0) return "air-check retention_days must not be negative (0 keeps everything)";
  if (o.buffer < 100ms) return "air-check buffer must be at least 100 ms";
  if (o.sync_interval < 1s) return "air-check sync_interval must be at least 1 s";
  try {
    if (o.time_zone.empty())
      (void)date::current_zone();
    else
      (void)date::locate_zone(o.time_zone);
  } catch (const std::exception& e) {
    return "air-check: unknown time zone '" + o.time_zone + "': " + e.what();
  }
  if (!aircheck::encoder_available(o.format))
    return fmt::format("air-check: this FFmpeg has no {} encoder",
                       o.format == AirCheckFormat::mp3 ? "libmp3lame" : "libopus");
  return "";
}

// ---------------------------------------------------------------------------------------
struct AirCheckRecorder::Worker {
  Worker(const AirCheckOptions& o, AudioFormat f)
      : options(o),
        format(f),
        ring_frames(static_cast<std::size_t>(std::max<FrameCount>(f.frames(o.buffer), 2 * kReadChunk))),
        audio(ring_frames, f.channels),
        blocks(kBlockSlots, 1),
        max_piece(static_cast<FrameCount>(ring_frames / 4)),
        local(o.time_zone, date::year_month_day{date::year{2000}, date::month{1}, date::day{1}}),
        log(aircheck_log()),
        sync_frames(f.frames(o.sync_interval)) {
    params.format = o.format;
    params.bitrate = aircheck_bitrate(o);
    params.input = f;
    buffer.resize(static_cast<std::size_t>(kReadChunk) * static_cast<std::size_t>(f.channels));
  }

  // --- engine side ----------------------------------------------------------------------
  void push(const float* data, FrameCount frames, TimePoint t0) noexcept {
    frames_in.fetch_add(frames, std::memory_order_relaxed);
    FrameCount done = 0;
    if (!closed.load(std::memory_order_relaxed)) {
      const auto ch = static_cast<std::size_t>(format.channels);
      while (done < frames) {
        const FrameCount n = std::min(frames - done, max_piece);
        if (!has_room(n)) break;  // full: drop
        audio.write(data + static_cast<std::size_t>(done) * ch, static_cast<std::size_t>(n));
        const Block b{next_frame + done, n, (t0 + duration_of(done, format.sample_rate)).time_since_epoch().count()};
        blocks.write(&b, 1);
        done += n;
        pushed.fetch_add(1, std::memory_order_release);
      }
    }
    if (done < frames) {
      dropped.fetch_add(frames - done, std::memory_order_relaxed);
    } else {
      gave_up = false;
    }
    next_frame += frames;
    // No notify here: signalling a condition variable may take its internal lock. The
    // worker polls every kPoll instead, well within the ring's seconds of slack.
  }

  bool fits(FrameCount n) noexcept { return audio.writable() >= static_cast<std::size_t>(n) && blocks.writable() >= 1; }

  bool has_room(FrameCount n) noexcept {
    if (fits(n)) return true;
    if (!options.wait_when_full || gave_up) return false;
    // Rendering faster than real time: wait for the encoder (bounded).
    const auto deadline = std::chrono::steady_clock::now() + kMaxWait;
    while (!fits(n)) {
      if (stop.load(std::memory_order_relaxed) || std::chrono::steady_clock::now() > deadline) {
        gave_up = true;  // the worker is stuck: drop from now on, until it catches up
        return false;
      }
      wake.notify_one();
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  // --- worker side ----------------------------------------------------------------------
  void run() noexcept {
    std::uint64_t processed = 0;
    for (;;) {
      bool any = false;
      Block b{};
      // In batches, so the file is flushed and progress published even under a steady flow.
      for (int batch = 0; batch < kBatch && blocks.read(&b, 1) == 1; ++batch) {
        any = true;
        guarded([&] { process(b); });
        ++processed;
      }
      if (any) {
        guarded([&] { flush_file(); });
        std::lock_guard lock(m);
        blocks_done = processed;
        done_cv.notify_all();
      }
      if (blocks.readable() > 0) continue;
      if (stop.load(std::memory_order_acquire)) {
        if (blocks.readable() == 0) break;
        continue;
      }
      std::unique_lock lock(wake_m);
      wake.wait_for(lock, kPoll, [&] { return stop.load(std::memory_order_acquire) || blocks.readable() > 0; });
    }
    guarded([&] { finish_file(); });
    std::lock_guard lock(m);
    blocks_done = processed;
    finished = true;
    done_cv.notify_all();
  }

  template <class F>
  void guarded(F&& f) noexcept {
    try {
      f();
    } catch (const std::exception& e) {
      fail(std::string("air-check: ") + e.what());
    } catch (...) {
      fail("air-check: unknown error");
    }
  }

  // Logs and counts a failure; `stops_recording` marks the recorder as failing until the
  // next file opens.
  void fail(const std::string& message, bool stops_recording = true) noexcept {
    try {
      log->error("{}", message);
      std::lock_guard lock(m);
      ++st.errors;
      st.last_error = message;
      if (stops_recording) st.failing = true;
    } catch (...) {
    }
  }

  void process(const Block& b) {
    const TimePoint t0{Duration(b.t0_us)};
    if (expected >= 0 && b.first > expected) {
      const FrameCount gap = b.first - expected;
      if (!gap_logged) {
        log->warn("air-check fell behind: {} of audio dropped, silence recorded in its place "
                  "(further gaps this hour are only counted)",
                  format_duration_short(duration_of(gap, format.sample_rate)));
        gap_logged = true;
      }
      const FrameCount fill = std::min(gap, kMaxGapFill);
      guarded([&] { consume(nullptr, fill, t0 - duration_of(fill, format.sample_rate)); });
    }
    expected = b.first + b.frames;
    // Every frame of the block leaves the ring, whatever happens to it, so the ring and
    // the descriptors stay in step.
    FrameCount offset = 0;
    while (offset < b.frames) {
      const FrameCount n = std::min(b.frames - offset, kReadChunk);
      const std::size_t got = audio.read(buffer.data(), static_cast<std::size_t>(n));
      if (static_cast<FrameCount>(got) != n) {
        fail("air-check: internal error: audio ring out of step with its blocks");
        return;
      }
      guarded([&] { consume(buffer.data(), n, t0 + duration_of(offset, format.sample_rate)); });
      offset += n;
    }
  }

  // Records n frames (nullptr: silence) whose first airs at t0, splitting at hour ends.
  void consume(const float* data, FrameCount n, TimePoint t0) {
    const auto ch = static_cast<std::size_t>(format.channels);
    FrameCount done = 0;
    while (done < n) {
      const TimePoint t = t0 + duration_of(done, format.sample_rate);
      if (!slot || t >= slot->end || t + kBackwardTolerance < slot->start) change_hour(t);
      const FrameCount k = std::max<FrameCount>(1, frames_before(t, slot->end, format.sample_rate));
      const FrameCount take = std::min(n - done, k);
      record(data ? data + static_cast<std::size_t>(done) * ch : nullptr, take);
      done += take;
    }
  }

  void record(const float* data, FrameCount n) {
    if (!file) {
      std::lock_guard lock(m);
      st.frames_unrecorded += n;
      return;
    }
    try {
      file->write(data, n);
      since_sync += n;
      if (since_sync >= sync_frames) {
        file->sync();
        since_sync = 0;
      }
    } catch (const std::exception& e) {
      fail(fmt::format("air-check: {}; recording stops until the next hour (what was written stays playable)",
                       e.what()));
      abandon_file();
      std::lock_guard lock(m);
      st.frames_unrecorded += n;
      return;
    }
    std::lock_guard lock(m);
    st.frames_recorded += n;
  }

  void change_hour(TimePoint t) {
    finish_file();
    slot = aircheck::hour_slot(*local.zone(), t);
    gap_logged = false;
    const auto first_local = aircheck::local_seconds_of(*local.zone(), t);
    if (options.retention_days > 0) {
      const auto r = aircheck::apply_retention(options.folder, first_local, options.retention_days);
      for (const auto& d : r.deleted) log->info("air-check retention ({} days): deleted {}", options.retention_days, d);
      for (const auto& e : r.errors) fail("air-check retention: " + e, false);
      std::lock_guard lock(m);
      st.files_deleted += r.files_deleted;
    }
    open_file(t, first_local);
  }

  void open_file(TimePoint t, date::local_seconds first_local) {
    std::filesystem::path path;
    try {
      const auto day = date::floor<date::days>(slot->local_hour);
      std::filesystem::create_directories(aircheck::day_folder(options.folder, day));
      path = aircheck::new_hour_file(options.folder, slot->local_hour, first_local, to_string(options.format));
      const date::year_month_day ymd{day};
      const std::string date_text = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                                                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
      const auto hh = date::floor<std::chrono::hours>(slot->local_hour - day).count();
      params.metadata.clear();
      params.metadata["title"] = options.station.empty()
                                     ? fmt::format("Air-check {} {:02}:00", date_text, hh)
                                     : fmt::format("{} air-check {} {:02}:00", options.station, date_text, hh);
      params.metadata["date"] = date_text;
      if (!options.station.empty()) params.metadata["artist"] = options.station;
      params.metadata["comment"] =
          fmt::format("onair air-check of {}; recording starts {} ({})",
                      options.station.empty() ? std::string("the station output") : options.station, local.iso(t),
                      local.zone()->name());
      file = std::make_unique<aircheck::EncodedFile>(path, params);
    } catch (const std::exception& e) {
      file.reset();
      std::error_code ec;
      if (!path.empty() && std::filesystem::file_size(path, ec) == 0 && !ec) std::filesystem::remove(path, ec);
      fail(fmt::format("air-check: cannot record {}: {}; retrying at the next hour",
                       path.empty() ? options.folder.string() : path.string(), e.what()));
      return;
    }
    since_sync = 0;
    log->info("air-check recording to {}", path.string());
    std::lock_guard lock(m);
    ++st.files_opened;
    st.current_file = path.string();
    st.failing = false;
  }

  void flush_file() {
    if (!file) return;
    try {
      file->flush();
    } catch (const std::exception& e) {
      fail(fmt::format("air-check: {}; recording stops until the next hour", e.what()));
      abandon_file();
    }
  }

  void finish_file() {
    if (!file) return;
    const std::string path = file->path().string();
    const FrameCount frames = file->frames_written();
    try {
      file->finish();
      log->info("air-check file complete: {} ({})", path, format_duration(duration_of(frames, format.sample_rate)));
      std::lock_guard lock(m);
      ++st.files_completed;
    } catch (const std::exception& e) {
      fail(fmt::format("air-check: cannot finalize {}: {}", path, e.what()));
    }
    file.reset();
    std::lock_guard lock(m);
    st.current_file.clear();
  }

  void abandon_file() {
    file.reset();  // closes the descriptor; what reached the disk stays decodable
    std::lock_guard lock(m);
    st.current_file.clear();
  }

  const AirCheckOptions options;
  const AudioFormat format;
  const std::size_t ring_frames;
  SpscRing<float> audio;
  SpscRing<Block> blocks;
  const FrameCount max_piece;
  const LocalDay local;  // its zone names the files; iso() formats the metadata
  std::shared_ptr<spdlog::logger> log;
  const FrameCount sync_frames;

  // Engine side.
  FrameCount next_frame = 0;
  bool gave_up = false;  // wait_when_full timed out; drop until a block fits again
  std::atomic<bool> closed{false};
  std::atomic<FrameCount> frames_in{0};
  std::atomic<FrameCount> dropped{0};
  std::atomic<std::uint64_t> pushed{0};

  // Wake-up for close() and flush(); the engine never signals (the worker polls).
  std::mutex wake_m;
  std::condition_variable wake;
  std::atomic<bool> stop{false};

  // Progress and statistics (worker writes, anyone reads; never touched by write()).
  mutable std::mutex m;
  std::condition_variable done_cv;
  std::uint64_t blocks_done = 0;
  bool finished = false;
  AirCheckStats st;

  // Worker only.
  aircheck::EncoderParams params;
  std::vector<float> buffer;
  std::optional<aircheck::HourSlot> slot;
  std::unique_ptr<aircheck::EncodedFile> file;
  FrameCount expected = -1;  // next frame number the worker expects
  FrameCount since_sync = 0;
  bool gap_logged = false;

  std::thread thread;
};

// ---------------------------------------------------------------------------------------
AirCheckRecorder::AirCheckRecorder(AirCheckOptions options, AudioFormat format)
    : options_(std::move(options)), format_(format) {
  if (auto error = validate(options_, format_); !error.empty()) throw std::invalid_argument(error);
  ffmpeg::install_log_bridge();  // FFmpeg's own messages go to the log, not to stderr
  worker_ = std::make_unique<Worker>(options_, format_);
  worker_->log->info("air-check: recording {} at {} kbit/s to {} (one file per hour, {} time, {})",
                     to_string(options_.format), aircheck_bitrate(options_) / 1000, options_.folder.string(),
                     worker_->local.zone()->name(),
                     options_.retention_days > 0 ? fmt::format("kept {} days", options_.retention_days)
                                                 : std::string("kept forever"));
  worker_->thread = std::thread([w = worker_.get()] { w->run(); });
}

AirCheckRecorder::~AirCheckRecorder() { close(); }

void AirCheckRecorder::write(const float* interleaved, FrameCount frames, TimePoint time_of_first_frame) noexcept {
  if (!interleaved || frames <= 0) return;
  worker_->push(interleaved, frames, time_of_first_frame);
}

bool AirCheckRecorder::flush(std::chrono::milliseconds timeout) {
  Worker& w = *worker_;
  const std::uint64_t target = w.pushed.load(std::memory_order_acquire);
  w.wake.notify_one();
  std::unique_lock lock(w.m);
  return w.done_cv.wait_for(lock, timeout, [&] { return w.blocks_done >= target || w.finished; });
}

void AirCheckRecorder::close() {
  Worker& w = *worker_;
  w.closed.store(true, std::memory_order_relaxed);
  if (!w.thread.joinable()) return;
  {
    std::lock_guard lock(w.wake_m);
    w.stop.store(true, std::memory_order_release);
  }
  w.wake.notify_all();
  w.thread.join();
}

AirCheckStats AirCheckRecorder::stats() const {
  const Worker& w = *worker_;
  AirCheckStats s;
  {
    std::lock_guard lock(w.m);
    s = w.st;
  }
  s.frames_in = w.frames_in.load(std::memory_order_relaxed);
  s.frames_dropped = w.dropped.load(std::memory_order_relaxed);
  return s;
}

}  // namespace onair
