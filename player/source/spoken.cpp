#include "player/source/spoken.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace onair {
namespace {

class SpokenSource final : public Source {
 public:
  SpokenSource(std::string text, SpeechVoice voice, SpeechRenderer* renderer, FrameCount position, FrameCount length,
               const AudioFormat& format)
      : format_(format), start_(std::max<FrameCount>(0, position)), length_(length), delivered_(start_),
        worker_([this, text = std::move(text), voice = std::move(voice), renderer] { run(text, voice, renderer); }) {}

  State state() const override {
    if (failed_.load(std::memory_order_acquire)) return State::failed;
    if (!ready_.load(std::memory_order_acquire)) return State::opening;
    return delivered_.load(std::memory_order_relaxed) >= length_ ? State::ended : State::playing;
  }

  FrameCount read(float* dst, FrameCount max) override {
    if (!ready_.load(std::memory_order_acquire)) return 0;
    const FrameCount delivered = delivered_.load(std::memory_order_relaxed);
    const FrameCount want = std::clamp<FrameCount>(length_ - delivered, 0, max);
    FrameCount n = inner_->read(dst, want);
    if (n < want && inner_->exhausted()) {  // the reading is over: silence to the end of the slot
      std::fill(dst + n * format_.channels, dst + want * format_.channels, 0.0f);
      n = want;
    }
    delivered_.store(delivered + n, std::memory_order_relaxed);
    return n;
  }

  FrameCount readable() override {
    if (!ready_.load(std::memory_order_acquire)) return 0;
    const FrameCount left = std::max<FrameCount>(0, length_ - delivered_.load(std::memory_order_relaxed));
    return inner_->exhausted() ? left : std::min(left, inner_->readable());
  }

  bool wait(FrameCount frames, std::chrono::milliseconds timeout) override {
    const auto until = std::chrono::steady_clock::now() + timeout;
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait_until(lock, until, [&] { return ready_.load() || failed_.load(); })) return false;
    }
    if (failed_.load()) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    frames = std::min(frames, std::max<FrameCount>(0, length_ - delivered_.load()));
    if (readable() >= frames) return true;
    inner_->wait(frames, std::max(left, std::chrono::milliseconds(0)));
    return readable() >= frames;
  }

  std::string error() const override {
    std::lock_guard lock(mutex_);
    if (!error_.empty() || !ready_.load()) return error_;
    return inner_->error();
  }

  std::string detail() const override {
    std::lock_guard lock(mutex_);
    return detail_;
  }

 private:
  void run(const std::string& text, const SpeechVoice& voice, SpeechRenderer* renderer) {
    std::unique_ptr<Source> inner;
    std::string error;
    if (!renderer) {
      error = "no speech engine to say the time";
    } else {
      const SpeechResult r = renderer->render(text, voice);
      if (r.file.empty()) error = r.error.empty() ? "the text could not be spoken" : r.error;
      else {
        FileSourceOptions options;
        options.cue_in = start_;
        inner = make_file_source(r.file.string(), format_, options);
      }
    }
    std::lock_guard lock(mutex_);
    if (inner) {
      inner_ = std::move(inner);
      detail_ = "said \"" + text + "\"";
      ready_.store(true, std::memory_order_release);
    } else {
      error_ = std::move(error);
      failed_.store(true, std::memory_order_release);
    }
    changed_.notify_all();
  }

  AudioFormat format_;
  FrameCount start_, length_;
  std::atomic<FrameCount> delivered_;
  std::unique_ptr<Source> inner_;  // set once, before ready_ (release)
  std::atomic<bool> ready_{false}, failed_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string error_, detail_;
  std::jthread worker_;  // last: joined before the members it uses go
};

}  // namespace

std::unique_ptr<Source> make_spoken_source(std::string text, SpeechVoice voice, SpeechRenderer* renderer,
                                           FrameCount position, FrameCount length, const AudioFormat& format) {
  return std::make_unique<SpokenSource>(std::move(text), std::move(voice), renderer, position, length, format);
}

}  // namespace onair
