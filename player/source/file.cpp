// A Source that decodes with onair::Decoder on a worker thread into an SPSC ring.
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "player/decode/decoder.hpp"
#include "player/source/source.hpp"
#include "player/pcm/sample_guard.hpp"
#include "player/output/spsc_ring.hpp"

namespace onair {
namespace {


class FileSource final : public Source {
 public:
  FileSource(std::string path, const AudioFormat& format, const FileSourceOptions& options)
      : path_(std::move(path)), format_(format), options_(options),
        ring_(static_cast<std::size_t>(options.ring_frames), format.channels),
        worker_([this](std::stop_token stop) { run(stop); }) {}

  ~FileSource() override {
    worker_.request_stop();
    {
      std::lock_guard lock(mutex_);
      changed_.notify_all();
    }
  }

  State state() const override { return state_.load(std::memory_order_acquire); }

  FrameCount read(float* dst, FrameCount max) override {
    const auto n = static_cast<FrameCount>(ring_.read(dst, static_cast<std::size_t>(max)));
    // Wakes the worker only once it has `room_` to fill: waking it for every block read
    // cost more CPU than the decoding (bench/play_cpu.sh). Should this check miss the moment
    // the worker starts waiting, its timed wait ends it anyway, seconds before the ring runs dry.
    // Once per wait: the flag is taken by the read that wakes the worker, so the reads after
    // it (before the worker runs) do not contend for the lock it is about to take.
    if (n > 0 && waiting_for_room_.load() && ring_.capacity() - ring_.readable() >= room_ &&
        waiting_for_room_.exchange(false)) {
      // Through the lock (the worker is asleep or will see the room), notified after it: a
      // worker woken while this still held the lock would only block on it and be woken again.
      { std::lock_guard lock(mutex_); }
      changed_.notify_all();
    }
    return n;
  }

  FrameCount readable() override { return static_cast<FrameCount>(ring_.readable()); }

  bool wait(FrameCount frames, std::chrono::milliseconds timeout) override {
    frames = std::min(frames, static_cast<FrameCount>(ring_.capacity()));  // never more than fits
    if (readable() >= frames) return true;
    std::unique_lock lock(mutex_);
    // The worker wakes this only once `frames` are there (or it finishes): a reader that
    // waits for many frames at once is woken once for them, not once per chunk.
    wanted_.store(frames);
    std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with the worker's
    const bool ready = changed_.wait_for(lock, timeout, [&] {
      if (readable() >= frames) return true;
      const State s = state();
      return s == State::ended || s == State::failed;
    }) && readable() >= frames;
    wanted_.store(0);
    return ready;
  }

  std::string error() const override {
    std::lock_guard lock(mutex_);
    return error_;
  }
  std::string detail() const override {
    std::lock_guard lock(mutex_);
    return detail_;
  }

 private:
  void finish(State s, std::string error, std::string detail = {}) {
    std::lock_guard lock(mutex_);
    error_ = std::move(error);
    detail_ = std::move(detail);
    state_.store(s, std::memory_order_release);
    changed_.notify_all();
  }

  static std::string notes(const DecodeStats& stats, std::size_t invalid) {
    std::string detail;
    if (stats.skipped_packets > 0)
      detail = "skipped " + std::to_string(stats.skipped_packets) + " corrupt packet(s), " +
               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(stats.lost).count()) +
               " ms lost";
    if (invalid > 0)
      detail += (detail.empty() ? "" : "; ") + invalid_samples_note(invalid);
    return detail;
  }

  void run(std::stop_token stop) {
    std::optional<Decoder> decoder;
    try {
      DecoderOptions o;
      o.cue_in = CuePoint::frames(options_.cue_in);
      o.io_timeout = options_.io_timeout;
      o.stop = stop;
      decoder.emplace(path_, format_, o);
    } catch (const std::exception& e) {
      finish(State::failed, e.what());
      return;
    }
    state_.store(State::playing, std::memory_order_release);
    const FrameCount chunk = kChunk;
    std::vector<float> buf(static_cast<std::size_t>(chunk * format_.channels));
    std::size_t invalid = 0;  // samples replaced by silence
    std::int64_t published_skips = 0;
    std::size_t published_invalid = 0;
    while (!stop.stop_requested()) {
      const FrameCount n = decoder->read(buf.data(), chunk);
      invalid += silence_invalid_samples(buf.data(), static_cast<std::size_t>(n * format_.channels));
      // Publish the notes before the audio they concern: an item that airs to its planned
      // end is recorded as soon as its last frame is read, maybe before this thread ends.
      if (decoder->stats().skipped_packets != published_skips || invalid != published_invalid) {
        published_skips = decoder->stats().skipped_packets;
        published_invalid = invalid;
        std::lock_guard lock(mutex_);
        detail_ = notes(decoder->stats(), invalid);
      }
      FrameCount done = 0;
      while (done < n && !stop.stop_requested()) {
        done += static_cast<FrameCount>(
            ring_.write(buf.data() + done * format_.channels, static_cast<std::size_t>(n - done)));
        // Audio for a reader waiting in wait(), once there is what it waits for. The fence
        // orders the write before reading `wanted_` (the reader stores `wanted_`, then
        // reads the count): one of the two sees the other.
        std::atomic_thread_fence(std::memory_order_seq_cst);
        const FrameCount wanted = wanted_.load();
        if (wanted > 0 && (readable() >= wanted || done < n)) {
          // Taking the lock means the reader is asleep or will see the audio; notifying
          // after letting go spares it waking only to wait for the lock.
          { std::lock_guard lock(mutex_); }
          changed_.notify_all();
        }
        if (done < n) {
          std::unique_lock lock(mutex_);
          waiting_for_room_.store(true);
          // Bounded: should a wake-up be missed, the ring (seconds deep) is far from dry.
          changed_.wait_for(lock, std::chrono::milliseconds(250), [&] {
            return stop.stop_requested() || ring_.writable() >= room_;
          });
          waiting_for_room_.store(false);
        }
      }
      if (n < chunk) break;
    }
    const std::string detail = notes(decoder->stats(), invalid);
    if (decoder->end() == DecodeEnd::error) finish(State::failed, decoder->error(), detail);
    else finish(State::ended, {}, detail);
  }

  static constexpr FrameCount kChunk = 4096;  // frames decoded per step

  const std::string path_;
  const AudioFormat format_;
  const FileSourceOptions options_;
  SpscRing<float> ring_;
  std::atomic<State> state_{State::opening};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<bool> waiting_for_room_{false};  // the worker waits for `room_` frames of room
  std::atomic<FrameCount> wanted_{0};          // a reader waits for this many frames (0: none)
  // The worker sleeps until a quarter of the ring is free (a second of the factory's 4 s), so
  // it decodes many chunks per wake-up: one per chunk cost a tenth of a render's CPU in
  // futex calls. The ring stays ¾ full or more.
  const std::size_t room_ = std::min(std::max(static_cast<std::size_t>(kChunk), ring_.capacity() / 4),
                                     ring_.capacity() / 2 + 1);
  std::string error_, detail_;
  std::jthread worker_;  // last: starts after everything above exists
};

}  // namespace

std::unique_ptr<Source> make_file_source(const std::string& path, const AudioFormat& format,
                                         const FileSourceOptions& options) {
  return std::make_unique<FileSource>(path, format, options);
}

}  // namespace onair
