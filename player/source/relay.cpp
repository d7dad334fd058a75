// The relay source: a network stream with a fallback file, behind the Source interface.
//
// Two worker threads, so that a stream blocked in a network read can never starve the
// engine:
//   - the stream thread owns the network Decoder. It connects, decodes into `net_` (a
//     jitter ring) and, when the stream fails, ends or is abandoned, waits
//     retry_interval and connects again, for as long as the source lives;
//   - the air thread is the only producer of `out_`, the ring the engine reads. It moves
//     stream audio from `net_` to `out_` while the stream is healthy and decodes the
//     fallback file (looped) or writes digital silence when it is not. It is also the
//     watchdog: a connection that is not up within connect_timeout, or that delivers no
//     data for stall_limit (steady clock), is abandoned through its stop_source, which
//     FFmpeg's interrupt callback polls.
// Switches happen at exact positions of the output; they are logged (logger "relay")
// and summarised in detail() for the as-run record, counting positions in what the
// engine actually read.
#include <algorithm>
#include "player/log.hpp"
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <fmt/format.h>
#include <mutex>
#include <optional>
#include <spdlog/spdlog.h>
#include <stop_token>
#include <thread>
#include <vector>

#include "player/decode/decoder.hpp"
#include "player/pcm/sample_guard.hpp"
#include "player/source/factory.hpp"
#include "player/output/spsc_ring.hpp"

namespace onair {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr FrameCount kNetChunk = 1024;  // stream reads: ~21 ms, so progress is seen often
constexpr FrameCount kAirChunk = 4096;  // air thread moves / decodes this much at a time
constexpr auto kPoll = 20ms;            // longest the air thread sleeps between checks
constexpr std::size_t kMaxEvents = 64;  // switches kept for detail(); older ones are counted

std::shared_ptr<spdlog::logger> relay_log() { return named_logger("relay"); }

std::string seconds_text(std::chrono::nanoseconds d) {
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1e9);
}

// "MM:SS", or "H:MM:SS" from an hour on (positions inside the slot).
std::string clock_text(std::chrono::nanoseconds d) {
  const auto total = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{:02}:{:02}", total / 60, total % 60);
}

std::string without_prefix(std::string text, std::string_view prefix) {
  if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
  return text;
}

class RelaySource final : public Source {
 public:
  RelaySource(std::string url, std::string fallback, const AudioFormat& format, const RelayOptions& options)
      : url_(std::move(url)), fallback_(std::move(fallback)), format_(format), options_(sane(options)),
        out_(static_cast<std::size_t>(options_.ring_frames), format.channels),
        net_(static_cast<std::size_t>(std::max<FrameCount>(options_.ring_frames / 2, 2 * kNetChunk)),
             format.channels),
        prebuffer_(std::clamp<FrameCount>(format.frames(500ms), 1, options_.ring_frames / 4)),
        stream_thread_([this](std::stop_token stop) { stream_loop(stop); }),
        air_thread_([this](std::stop_token stop) { air_loop(stop); }) {}

  ~RelaySource() override {
    // Both threads at once: the stream thread may need up to one FFmpeg poll (~100 ms)
    // to leave a blocking read; the stop also abandons the current connection.
    stream_thread_.request_stop();
    air_thread_.request_stop();
    {
      std::lock_guard lock(mutex_);
      changed_.notify_all();
    }
    stream_thread_.join();
    air_thread_.join();
  }

  State state() const override { return state_.load(std::memory_order_acquire); }

  FrameCount read(float* dst, FrameCount max) override {
    const auto n = static_cast<FrameCount>(out_.read(dst, static_cast<std::size_t>(std::max<FrameCount>(max, 0))));
    if (n > 0) {
      aired_.fetch_add(n, std::memory_order_relaxed);
      std::lock_guard lock(mutex_);
      changed_.notify_all();  // room for the air thread
    }
    return n;
  }

  FrameCount readable() override { return static_cast<FrameCount>(out_.readable()); }

  bool wait(FrameCount frames, std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mutex_);
    // A relay never finishes by itself: it only waits for data (or the timeout).
    return changed_.wait_for(lock, timeout, [&] { return readable() >= frames; });
  }

  std::string error() const override {
    std::lock_guard lock(mutex_);
    return error_;
  }

  std::string detail() const override;
  bool stand_in_only() const override;

 private:
  enum class Link { waiting, connecting, live, down };  // the stream thread's connection
  enum class Airing { none, stream, fallback, silence };

  struct Event {
    FrameCount pos;    // output frame from which `to` airs
    Airing to;
    std::string why;   // what made the switch
  };

  static RelayOptions sane(RelayOptions o) {
    o.ring_frames = std::max<FrameCount>(o.ring_frames, 4 * kAirChunk);
    o.connect_timeout = std::max(o.connect_timeout, std::chrono::milliseconds(1));
    o.stall_limit = std::max(o.stall_limit, std::chrono::milliseconds(1));
    o.retry_interval = std::max(o.retry_interval, std::chrono::milliseconds(100));  // never a busy loop
    return o;
  }

  std::chrono::nanoseconds at(FrameCount pos) const { return format_.duration(pos); }

  static std::int64_t now_ns() { return Clock::now().time_since_epoch().count(); }
  void touch() { last_data_ns_.store(now_ns(), std::memory_order_release); }

  // --- stream thread -------------------------------------------------------------------

  void stream_loop(std::stop_token stop) {
    std::vector<float> buf(static_cast<std::size_t>(kNetChunk * format_.channels));
    while (!stop.stop_requested()) {
      std::stop_source attempt;
      {
        std::lock_guard lock(mutex_);
        ++attempt_;
        link_ = Link::connecting;
        attempt_started_ = Clock::now();
        attempt_stop_ = attempt;
        abandon_reason_.clear();
        changed_.notify_all();
      }
      const std::stop_callback forward(stop, [&attempt] { attempt.request_stop(); });

      std::string failure;
      try {
        DecoderOptions o;
        // The air thread enforces connect_timeout and stall_limit; this is a backstop.
        o.io_timeout = std::max(options_.connect_timeout, options_.stall_limit) + 1s;
        o.stop = attempt.get_token();
        Decoder decoder(url_, format_, o);
        touch();
        {
          std::lock_guard lock(mutex_);
          if (link_ == Link::connecting) link_ = Link::live;
          changed_.notify_all();
        }
        log_->debug("{}: connected ({} {} Hz {} ch)", url_, decoder.source_format().codec,
                    decoder.source_format().sample_rate, decoder.source_format().channels);
        for (;;) {
          touch();  // the stall clock runs while we wait on the network, not on the ring
          const FrameCount n = decoder.read(buf.data(), kNetChunk);
          guard(buf.data(), n);
          if (n > 0 && !push(buf.data(), n, attempt.get_token())) break;
          if (n < kNetChunk) break;
        }
        switch (decoder.end()) {
          case DecodeEnd::error: failure = "stream error: " + decoder.error(); break;
          case DecodeEnd::none: failure = "stream abandoned"; break;
          default: failure = "stream ended: the server closed the connection"; break;
        }
      } catch (const std::exception& e) {
        failure = "stream failed to open: " + without_prefix(e.what(), "open: ");
      }
      if (stop.stop_requested()) return;
      {
        std::lock_guard lock(mutex_);
        if (!abandon_reason_.empty()) failure = abandon_reason_;
        link_ = Link::down;
        error_ = failure;
        changed_.notify_all();
      }
      log_->debug("{}: {}; retrying in {}", url_, failure,
                  seconds_text(std::chrono::duration_cast<std::chrono::nanoseconds>(options_.retry_interval)));
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, options_.retry_interval, [&] { return stop.stop_requested(); });
      link_ = Link::waiting;
    }
  }

  // Writes stream audio to the jitter ring, waiting for room (the air thread drains it).
  bool push(const float* src, FrameCount n, const std::stop_token& stop) {
    FrameCount done = 0;
    while (done < n) {
      if (stop.stop_requested()) return false;
      const auto w = static_cast<FrameCount>(
          net_.write(src + done * format_.channels, static_cast<std::size_t>(n - done)));
      done += w;
      std::unique_lock lock(mutex_);
      if (w > 0) changed_.notify_all();
      if (done < n) changed_.wait_for(lock, kPoll);
      touch();
    }
    return true;
  }

  // --- air thread ----------------------------------------------------------------------

  struct LinkView {
    Link link = Link::waiting;
    std::uint64_t attempt = 0;
    Clock::time_point started;
    std::string error;
  };

  LinkView view() const {
    std::lock_guard lock(mutex_);
    return {link_, attempt_, attempt_started_, error_};
  }

  // Gives up on a connection that is not going anywhere; the stream thread then retries.
  void abandon(std::uint64_t attempt, const std::string& reason) {
    std::lock_guard lock(mutex_);
    if (attempt_ != attempt || (link_ != Link::connecting && link_ != Link::live)) return;
    abandon_reason_ = reason;
    error_ = reason;
    attempt_stop_.request_stop();
  }

  void air_loop(std::stop_token stop) {
    std::vector<float> buf(static_cast<std::size_t>(kAirChunk * format_.channels));
    Airing airing = Airing::none;
    std::uint64_t dead_attempt = 0;  // abandoned by us: its data no longer counts
    const auto begun = Clock::now();

    while (!stop.stop_requested()) {
      LinkView v = view();
      const auto now = Clock::now();

      // Watchdog.
      if (v.link == Link::connecting && now - v.started > options_.connect_timeout && v.attempt != dead_attempt) {
        const std::string why = "stream failed to open: timed out after " +
                                seconds_text(std::chrono::duration_cast<std::chrono::nanoseconds>(options_.connect_timeout));
        abandon(v.attempt, why);
        dead_attempt = v.attempt;
        v.link = Link::down;
        v.error = why;
      } else if (v.link == Link::live && v.attempt != dead_attempt) {
        // (The stream thread also counts as progress the time it waits for room in net_.)
        const auto idle = std::chrono::nanoseconds(now_ns() - last_data_ns_.load(std::memory_order_acquire));
        if (idle > options_.stall_limit) {
          const std::string why = "stream stalled: no data for " + seconds_text(idle);
          abandon(v.attempt, why);
          dead_attempt = v.attempt;
          v.link = Link::down;
          v.error = why;
        }
      }
      const bool stream_ok = v.link == Link::live && v.attempt != dead_attempt;

      const auto space = static_cast<FrameCount>(out_.writable());
      FrameCount wrote = 0;
      switch (airing) {
        case Airing::none:
          if (stream_ok && static_cast<FrameCount>(net_.readable()) >= prebuffer_) {
            airing = switch_to(Airing::stream, {});
          } else if (v.link == Link::down ||
                     (v.link != Link::connecting && now - begun > options_.connect_timeout)) {
            // (A connecting attempt is timed out by the watchdog above, with its reason;
            // this catches a stream that connected but never buffered enough.)
            std::string why = v.link == Link::down ? v.error
                                                   : "stream failed to open: not up after " +
                                                         seconds_text(now - begun);
            airing = switch_to(fallback_.empty() ? Airing::silence : Airing::fallback, std::move(why));
          }
          break;
        case Airing::stream:
          if (space > 0) wrote = move_stream(buf, space);
          if (wrote == 0 && !stream_ok && net_.readable() == 0) {
            // Everything the stream delivered has been passed on: the fallback follows
            // seamlessly from here.
            std::string why = v.error.empty() ? "stream lost" : v.error;
            why += " (at " + seconds_text(at(written_)) + ")";
            airing = switch_to(fallback_.empty() ? Airing::silence : Airing::fallback, std::move(why));
          }
          break;
        case Airing::fallback:
        case Airing::silence:
          if (stream_ok && static_cast<FrameCount>(net_.readable()) >= prebuffer_) {
            fallback_decoder_.reset();
            airing = switch_to(Airing::stream, {});
            break;
          }
          if (!stream_ok) discard_stream(buf);
          if (space > 0) wrote = produce(airing, buf, std::min(space, kAirChunk), stop);
          break;
      }

      if (wrote > 0) {
        written_ += wrote;
        state_.store(State::playing, std::memory_order_release);
        std::lock_guard lock(mutex_);
        changed_.notify_all();  // data for the engine, room in net_ for the stream thread
        continue;
      }
      std::unique_lock lock(mutex_);
      if (stop.stop_requested()) break;
      changed_.wait_for(lock, kPoll);
    }
  }

  // Stream or fallback audio that must not reach the mix becomes silence (counted, noted).
  void guard(float* samples, FrameCount frames) {
    if (frames <= 0) return;
    if (const auto bad = silence_invalid_samples(samples, static_cast<std::size_t>(frames * format_.channels)))
      invalid_.fetch_add(bad, std::memory_order_relaxed);
  }

  FrameCount move_stream(std::vector<float>& buf, FrameCount space) {
    const auto n = std::min({space, kAirChunk, static_cast<FrameCount>(net_.readable())});
    if (n <= 0) return 0;
    const auto got = static_cast<FrameCount>(net_.read(buf.data(), static_cast<std::size_t>(n)));
    out_.write(buf.data(), static_cast<std::size_t>(got));  // fits: space was measured
    return got;
  }

  void discard_stream(std::vector<float>& buf) {
    while (net_.read(buf.data(), static_cast<std::size_t>(kAirChunk)) > 0) {
    }
  }

  // Fallback (looped) or silence; may turn `airing` from fallback into silence.
  FrameCount produce(Airing& airing, std::vector<float>& buf, FrameCount max, const std::stop_token& stop) {
    // At most two rounds: the end of one pass of the file, then the start of the next.
    for (int round = 0; round < 2 && airing == Airing::fallback; ++round) {
      if (!fallback_decoder_) {
        try {
          DecoderOptions o;
          o.io_timeout = 5s;
          o.stop = stop;
          fallback_decoder_.emplace(fallback_, format_, o);
          fallback_pass_frames_ = 0;
        } catch (const std::exception& e) {
          if (stop.stop_requested()) return 0;
          airing = switch_to(Airing::silence, "fallback failed: " + without_prefix(e.what(), "open: "));
          break;
        }
      }
      const FrameCount n = fallback_decoder_->read(buf.data(), max);
      guard(buf.data(), n);
      fallback_pass_frames_ += n;
      if (n < max) {  // the end of the file: it loops from the start
        const bool broken = fallback_decoder_->end() == DecodeEnd::error;
        const std::string reason = broken ? fallback_decoder_->error() : "no audio";
        const bool empty_pass = fallback_pass_frames_ == 0;
        fallback_decoder_.reset();
        if (stop.stop_requested()) return 0;
        if (empty_pass) {
          airing = switch_to(Airing::silence, "fallback failed: " + reason);
          break;
        }
        if (broken) log_->warn("{}: fallback {}: {}; looping it from the start", url_, fallback_, reason);
      }
      if (n > 0) {
        out_.write(buf.data(), static_cast<std::size_t>(n));
        return n;
      }
    }
    // Digital silence: the slot never runs dry.
    std::fill(buf.begin(), buf.begin() + max * format_.channels, 0.0f);
    out_.write(buf.data(), static_cast<std::size_t>(max));
    return max;
  }

  Airing switch_to(Airing to, std::string why) {
    const std::string pos = seconds_text(at(written_));
    switch (to) {
      case Airing::stream:
        if (written_ == 0) log_->info("{}: stream up", url_);
        else log_->info("{}: stream back at {}", url_, pos);
        break;
      case Airing::fallback:
        log_->warn("{}: {}; airing fallback {} from {}", url_, why, fallback_, pos);
        break;
      case Airing::silence:
        log_->warn("{}: {}; airing silence from {}", url_, why, pos);
        break;
      case Airing::none: break;
    }
    std::lock_guard lock(mutex_);
    if (to == Airing::stream && events_.empty() && dropped_events_ == 0 && written_ == 0) return to;  // clean start
    if (events_.size() == kMaxEvents) {
      events_.pop_front();
      ++dropped_events_;
    }
    events_.push_back({written_, to, std::move(why)});
    return to;
  }

  const std::string url_, fallback_;
  const AudioFormat format_;
  const RelayOptions options_;
  const std::shared_ptr<spdlog::logger> log_ = relay_log();

  SpscRing<float> out_;  // air thread -> engine
  SpscRing<float> net_;  // stream thread -> air thread
  const FrameCount prebuffer_;  // stream audio buffered before (re)switching to it

  std::atomic<State> state_{State::opening};
  std::atomic<FrameCount> aired_{0};             // frames the engine has read
  std::atomic<std::size_t> invalid_{0};          // samples replaced by silence (sample_guard)
  std::atomic<std::int64_t> last_data_ns_{0};   // steady clock: the stream's last progress

  // Air thread only.
  FrameCount written_ = 0;  // frames written to out_
  std::optional<Decoder> fallback_decoder_;
  FrameCount fallback_pass_frames_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  // Guarded by mutex_.
  Link link_ = Link::waiting;
  std::uint64_t attempt_ = 0;
  Clock::time_point attempt_started_;
  std::stop_source attempt_stop_;
  std::string abandon_reason_;
  std::string error_;
  std::deque<Event> events_;
  std::size_t dropped_events_ = 0;

  std::jthread stream_thread_;  // last: they start once everything above exists
  std::jthread air_thread_;
};

std::string RelaySource::detail() const {
  const FrameCount aired = aired_.load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  std::vector<std::string> parts;
  if (dropped_events_ > 0) parts.push_back(fmt::format("{} earlier switch(es) not listed", dropped_events_));
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const Event& e = events_[i];
    if (e.pos > aired || (e.pos == aired && aired > 0)) break;  // not on air (yet)
    const FrameCount end = i + 1 < events_.size() ? std::min(events_[i + 1].pos, aired) : aired;
    if (!e.why.empty()) parts.push_back(e.why);
    switch (e.to) {
      case Airing::stream: parts.push_back("stream back at " + seconds_text(at(e.pos))); break;
      case Airing::fallback:
        parts.push_back("fallback aired " + clock_text(at(e.pos)) + "–" + clock_text(at(end)));
        break;
      case Airing::silence:
        parts.push_back(std::string(fallback_.empty() ? "no fallback: " : "") + "silence aired " +
                        clock_text(at(e.pos)) + "–" + clock_text(at(end)));
        break;
      case Airing::none: break;
    }
  }
  if (const auto invalid = invalid_.load(std::memory_order_relaxed); invalid > 0)
    parts.push_back(invalid_samples_note(invalid));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

bool RelaySource::stand_in_only() const {
  const FrameCount aired = aired_.load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  if (aired == 0 || events_.empty() || dropped_events_ > 0 || events_.front().pos > 0) return false;
  for (const Event& e : events_)
    if (e.to == Airing::stream && e.pos < aired) return false;
  return true;
}

}  // namespace

std::unique_ptr<Source> make_relay_source(const std::string& url, const std::string& fallback,
                                          const AudioFormat& format, const RelayOptions& options) {
  return std::make_unique<RelaySource>(url, fallback, format, options);
}

}  // namespace onair
