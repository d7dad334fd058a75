#pragma once
// Audio a tee or fan-out holds back from its taps and followers while the sink it feeds
// could still take it back (Output::retract: an emergency replaces what was rendered
// ahead). What leaves here is what the sink plays, so the air-check, the meter and the
// streams carry the broadcast as it went out, at the cost of the sink's render-ahead in
// latency (docs/bulletins.md).
//
// A preallocated ring (reset() allocates; push/drop/release never do): engine thread only.
#include <algorithm>
#include <cstring>
#include <vector>

#include "player/pcm/audio_format.hpp"

namespace onair {

class HeldAudio {
 public:
  // Holds up to `capacity` frames (0: holds nothing, every push passes straight through).
  void reset(FrameCount capacity, int channels) {
    channels_ = static_cast<std::size_t>(channels);
    capacity_ = std::max<FrameCount>(capacity, 0);
    buffer_.assign(static_cast<std::size_t>(capacity_) * channels_, 0.0f);
    start_ = size_ = 0;
  }
  FrameCount held() const noexcept { return size_; }

  // Appends `frames`, then passes on (release(data, n), in order) all but the newest `hold`.
  template <class Release>
  void push(const float* interleaved, FrameCount frames, FrameCount hold, Release&& release) {
    if (capacity_ == 0) {
      release(interleaved, frames);
      return;
    }
    while (frames > 0) {
      if (size_ == capacity_) release_oldest(1, release);  // full: the oldest goes now
      const FrameCount room = capacity_ - size_;
      const FrameCount n = std::min(frames, room);
      copy_in(interleaved, n);
      interleaved += n * static_cast<FrameCount>(channels_);
      frames -= n;
    }
    if (size_ > hold) release_oldest(size_ - std::max<FrameCount>(hold, 0), release);
  }
  // Forgets the newest `frames` (the sink took them back).
  void drop_newest(FrameCount frames) noexcept { size_ -= std::clamp<FrameCount>(frames, 0, size_); }
  template <class Release>
  void release_all(Release&& release) {
    release_oldest(size_, release);
  }

 private:
  void copy_in(const float* from, FrameCount n) {
    FrameCount at = (start_ + size_) % capacity_;
    while (n > 0) {
      const FrameCount k = std::min(n, capacity_ - at);
      std::memcpy(&buffer_[static_cast<std::size_t>(at) * channels_], from, static_cast<std::size_t>(k) * channels_ * sizeof(float));
      from += k * static_cast<FrameCount>(channels_);
      n -= k;
      size_ += k;
      at = (at + k) % capacity_;
    }
  }
  template <class Release>
  void release_oldest(FrameCount n, Release&& release) {
    n = std::min(n, size_);
    while (n > 0) {
      const FrameCount k = std::min(n, capacity_ - start_);
      release(&buffer_[static_cast<std::size_t>(start_) * channels_], k);
      start_ = (start_ + k) % capacity_;
      size_ -= k;
      n -= k;
    }
  }

  std::vector<float> buffer_;
  std::size_t channels_ = 2;
  FrameCount capacity_ = 0, start_ = 0, size_ = 0;
};

}  // namespace onair
