#pragma once
// A preallocated lock-free single-producer/single-consumer ring of interleaved frames.
//
// The engine thread (producer) renders ahead into it; the audio callback (consumer) copies
// out of it. Nothing here allocates, locks or throws after construction, so the consumer
// side is safe to call from a real-time callback.
//
// Memory ordering follows rigtorp/SPSCQueue: each side owns one index, publishes it with a
// release store after touching the slots, and reads the other side's index with an acquire
// load. Each side also keeps a private cached copy of the other index so that the shared
// cache line is only touched when the cached value says the ring looks full/empty. The
// indices live on separate cache lines to avoid false sharing between the two threads.
//
// Indices are free-running 64-bit frame counters (never wrapped): readable = write - read.
// At 48 kHz they would overflow after ~6 million years.
//
// Retraction (an emergency must not wait behind the audio rendered ahead): the producer
// asks for the newest unread frames back with retract(); the consumer carries it out at
// the start of its next read() — it alone knows how far it has read — and hands write_
// back lowered. The producer does not write meanwhile, so for that moment write_ has one
// writer, the consumer.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace onair {

template <class T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "slots are copied with memcpy");

 public:
  // capacity_frames frames of `channels` samples each, allocated once here.
  SpscRing(std::size_t capacity_frames, int channels)
      : capacity_(capacity_frames), channels_(static_cast<std::size_t>(channels)),
        slots_(capacity_frames * static_cast<std::size_t>(channels)) {
    if (capacity_frames == 0 || channels <= 0) throw std::invalid_argument("empty SpscRing");
  }
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }
  int channels() const noexcept { return static_cast<int>(channels_); }

  // --- producer side -------------------------------------------------------------------
  // Frames that can be written now (may grow concurrently as the consumer reads).
  std::size_t writable() noexcept {
    const std::uint64_t w = write_.load(std::memory_order_relaxed);
    read_cache_ = read_.load(std::memory_order_acquire);
    return capacity_ - static_cast<std::size_t>(w - read_cache_);
  }

  // Copies up to `frames` frames from `src`; returns how many were written.
  std::size_t write(const T* src, std::size_t frames) noexcept {
    const std::uint64_t w = write_.load(std::memory_order_relaxed);
    std::size_t space = capacity_ - static_cast<std::size_t>(w - read_cache_);
    if (space < frames) {  // only refresh the shared index when the cached one says "full"
      read_cache_ = read_.load(std::memory_order_acquire);
      space = capacity_ - static_cast<std::size_t>(w - read_cache_);
    }
    const std::size_t n = std::min(frames, space);
    if (n == 0) return 0;
    copy_in(static_cast<std::size_t>(w % capacity_), src, n);
    write_.store(w + n, std::memory_order_release);
    return n;
  }

  // Asks the consumer to take back up to `most` of the newest frames, leaving at least
  // `keep` unread (what plays while the producer renders their replacement). Waits for the
  // consumer's next read(), polling with `pause()` up to `polls` times; returns how many
  // frames were taken back (0 when the consumer did not come: the request is withdrawn).
  template <class Pause>
  std::size_t retract(std::size_t most, std::size_t keep, Pause&& pause, int polls) noexcept {
    if (most == 0) return 0;
    retract_most_.store(most, std::memory_order_relaxed);
    retract_keep_.store(keep, std::memory_order_relaxed);
    retract_state_.store(kAsked, std::memory_order_release);
    for (int i = 0; retract_state_.load(std::memory_order_acquire) != kDone; ++i) {
      if (i >= polls) {
        int asked = kAsked;
        if (retract_state_.compare_exchange_strong(asked, kIdle, std::memory_order_acq_rel)) return 0;  // withdrawn
        // The consumer has claimed it: it finishes within a few instructions.
        while (retract_state_.load(std::memory_order_acquire) != kDone) {
        }
        break;
      }
      pause();
    }
    retract_state_.store(kIdle, std::memory_order_relaxed);
    read_cache_ = read_.load(std::memory_order_acquire);
    return retracted_.load(std::memory_order_relaxed);
  }

  // --- consumer side -------------------------------------------------------------------
  // Frames that can be read now (may grow concurrently as the producer writes).
  std::size_t readable() noexcept {
    apply_retract(0);
    const std::uint64_t r = read_.load(std::memory_order_relaxed);
    write_cache_ = write_.load(std::memory_order_acquire);
    return static_cast<std::size_t>(write_cache_ - r);
  }

  // Copies up to `frames` frames into `dst`; returns how many were read.
  std::size_t read(T* dst, std::size_t frames) noexcept {
    apply_retract(frames);
    const std::uint64_t r = read_.load(std::memory_order_relaxed);
    std::size_t avail = static_cast<std::size_t>(write_cache_ - r);
    if (avail < frames) {
      write_cache_ = write_.load(std::memory_order_acquire);
      avail = static_cast<std::size_t>(write_cache_ - r);
    }
    const std::size_t n = std::min(frames, avail);
    if (n == 0) return 0;
    copy_out(static_cast<std::size_t>(r % capacity_), dst, n);
    read_.store(r + n, std::memory_order_release);
    return n;
  }

  // Drops everything. Only call while neither side is running (e.g. stream closed).
  void reset() noexcept {
    write_.store(0, std::memory_order_relaxed);
    read_.store(0, std::memory_order_relaxed);
    read_cache_ = write_cache_ = 0;
    retract_state_.store(kIdle, std::memory_order_relaxed);
  }

 private:
  // Consumer: a pending retraction, keeping what this read takes and the producer's `keep`.
  void apply_retract(std::size_t reading) noexcept {
    if (retract_state_.load(std::memory_order_acquire) != kAsked) return;
    int asked = kAsked;
    // The producer may withdraw the request at the same moment: whoever changes it first wins.
    if (!retract_state_.compare_exchange_strong(asked, kClaimed, std::memory_order_acq_rel)) return;
    const std::uint64_t w = write_.load(std::memory_order_relaxed);  // stable: the producer waits
    const std::uint64_t r = read_.load(std::memory_order_relaxed);
    const std::size_t keep = reading + retract_keep_.load(std::memory_order_relaxed);
    const std::size_t unread = static_cast<std::size_t>(w - r);
    const std::size_t take = unread > keep ? std::min(retract_most_.load(std::memory_order_relaxed), unread - keep) : 0;
    write_.store(w - take, std::memory_order_relaxed);
    write_cache_ = w - take;
    retracted_.store(take, std::memory_order_relaxed);
    retract_state_.store(kDone, std::memory_order_release);
  }

  void copy_in(std::size_t pos, const T* src, std::size_t n) noexcept {
    const std::size_t first = std::min(n, capacity_ - pos);  // up to the physical end
    std::memcpy(&slots_[pos * channels_], src, first * channels_ * sizeof(T));
    if (n > first) std::memcpy(&slots_[0], src + first * channels_, (n - first) * channels_ * sizeof(T));
  }
  void copy_out(std::size_t pos, T* dst, std::size_t n) noexcept {
    const std::size_t first = std::min(n, capacity_ - pos);
    std::memcpy(dst, &slots_[pos * channels_], first * channels_ * sizeof(T));
    if (n > first) std::memcpy(dst + first * channels_, &slots_[0], (n - first) * channels_ * sizeof(T));
  }

  // 64 rather than std::hardware_destructive_interference_size: GCC warns that the latter
  // is ABI-unstable when used in a header.
  static constexpr std::size_t kCacheLine = 64;

  const std::size_t capacity_;
  const std::size_t channels_;
  std::vector<T> slots_;

  alignas(kCacheLine) std::atomic<std::uint64_t> write_{0};  // owned by the producer
  std::uint64_t read_cache_ = 0;                              // producer's view of read_
  alignas(kCacheLine) std::atomic<std::uint64_t> read_{0};   // owned by the consumer
  std::uint64_t write_cache_ = 0;                             // consumer's view of write_
  static constexpr int kIdle = 0, kAsked = 1, kClaimed = 2, kDone = 3;
  alignas(kCacheLine) std::atomic<int> retract_state_{kIdle};
  std::atomic<std::size_t> retract_most_{0}, retract_keep_{0};
  std::atomic<std::size_t> retracted_{0};  // frames the consumer took back
  // The class is 64-aligned, so its size rounds up and nothing else shares read_'s line.
};

}  // namespace onair
