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

  // --- consumer side -------------------------------------------------------------------
  // Frames that can be read now (may grow concurrently as the producer writes).
  std::size_t readable() noexcept {
    const std::uint64_t r = read_.load(std::memory_order_relaxed);
    write_cache_ = write_.load(std::memory_order_acquire);
    return static_cast<std::size_t>(write_cache_ - r);
  }

  // Copies up to `frames` frames into `dst`; returns how many were read.
  std::size_t read(T* dst, std::size_t frames) noexcept {
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
  }

 private:
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
  // The class is 64-aligned, so its size rounds up and nothing else shares read_'s line.
};

}  // namespace onair
