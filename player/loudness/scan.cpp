#include "player/loudness/scan.hpp"

#include <ebur128.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "player/decode/decoder.hpp"
#include "player/ffmpeg/error.hpp"
#include "player/ffmpeg/input.hpp"

namespace onair {
namespace {

using std::chrono::microseconds;

struct StateDeleter {
  void operator()(ebur128_state* s) const { ebur128_destroy(&s); }
};

void check(int ret, const char* what) {
  if (ret != EBUR128_SUCCESS) throw std::runtime_error(std::string("libebur128: ") + what + " failed (" + std::to_string(ret) + ")");
}

// The stream's own rate and channels, so nothing is resampled or remixed before measuring.
AudioFormat native_format(const std::filesystem::path& file, std::chrono::milliseconds io_timeout,
                          microseconds& length) {
  ffmpeg::Input input(file.string(), ffmpeg::InputOptions{io_timeout, {}});
  const AVStream& st = *input.audio_stream();
  const int rate = st.codecpar->sample_rate, channels = st.codecpar->ch_layout.nb_channels;
  if (!plausible_source_rate(rate)) throw FfmpegError("implausible sample rate " + std::to_string(rate));
  if (channels <= 0 || channels > 64) throw FfmpegError("implausible channel count " + std::to_string(channels));
  length = input.context()->duration > 0 ? microseconds(input.context()->duration) : microseconds{0};
  return AudioFormat{rate, channels};
}

// Decoding and measuring (true peak: 4x oversampling) cost about the same: a second
// thread measures one chunk while the caller decodes the next, so a scan takes about as
// long as the slower half. Chunks go round a small ring of buffers.
class MeasureThread {
 public:
  MeasureThread(ebur128_state* state, std::size_t chunk_samples) : state_(state) {
    for (auto& b : buffers_) b.samples.resize(chunk_samples);
    thread_ = std::jthread([this] { run(); });
  }
  ~MeasureThread() { stop(); }

  // A buffer to decode into (waits while all are being measured).
  std::vector<float>& next() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return filled_ < buffers_.size(); });
    return buffers_[(head_ + filled_) % buffers_.size()].samples;
  }
  void push(std::size_t frames) {
    {
      std::lock_guard lock(mutex_);
      buffers_[(head_ + filled_) % buffers_.size()].frames = frames;
      ++filled_;
    }
    cv_.notify_all();
  }
  // Waits until everything pushed is measured; rethrows a libebur128 failure.
  void finish() {
    stop();
    if (failed_) throw std::runtime_error("libebur128: adding frames failed (" + std::to_string(failed_) + ")");
  }

 private:
  void stop() noexcept {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  struct Buffer {
    std::vector<float> samples;
    std::size_t frames = 0;
  };
  void run() {
    for (;;) {
      Buffer* b;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return filled_ > 0 || done_; });
        if (filled_ == 0) return;
        b = &buffers_[head_];
      }
      const int ret = failed_ ? EBUR128_SUCCESS : ebur128_add_frames_float(state_, b->samples.data(), b->frames);
      {
        std::lock_guard lock(mutex_);
        if (ret != EBUR128_SUCCESS) failed_ = ret;
        head_ = (head_ + 1) % buffers_.size();
        --filled_;
      }
      cv_.notify_all();
    }
  }

  ebur128_state* state_;
  std::array<Buffer, 4> buffers_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t head_ = 0, filled_ = 0;  // buffers [head_, head_ + filled_) wait to be measured
  bool done_ = false;
  int failed_ = 0;
  std::jthread thread_;
};

}  // namespace

LoudnessMeasure scan_loudness(const std::filesystem::path& file, CueRange range, const ScanOptions& options) {
  microseconds length{0};
  const AudioFormat format = native_format(file, options.io_timeout, length);
  DecoderOptions dopts;
  dopts.cue_in = microseconds(range.in_us);
  if (range.out_us >= 0) dopts.cue_out = microseconds(range.out_us);
  dopts.io_timeout = options.io_timeout;
  dopts.stop = options.stop;
  Decoder decoder(file.string(), format, dopts);

  std::unique_ptr<ebur128_state, StateDeleter> state(
      ebur128_init(static_cast<unsigned>(format.channels), static_cast<unsigned long>(format.sample_rate),
                   EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_HISTOGRAM));
  if (!state) throw std::runtime_error("libebur128: cannot measure " + std::to_string(format.channels) +
                                       " channels at " + std::to_string(format.sample_rate) + " Hz");

  const microseconds end = range.out_us >= 0 ? microseconds(range.out_us) : length;
  const microseconds total = end > microseconds(range.in_us) ? end - microseconds(range.in_us) : microseconds{0};
  // About a tenth of a second per chunk: few calls, and the buffer stays small.
  const FrameCount chunk = std::max(1024, format.sample_rate / 10);
  FrameCount done = 0, reported = 0;
  MeasureThread measuring(state.get(), static_cast<std::size_t>(chunk) * static_cast<std::size_t>(format.channels));
  for (;;) {
    std::vector<float>& buffer = measuring.next();
    const FrameCount n = decoder.read(buffer.data(), chunk);
    measuring.push(static_cast<std::size_t>(n));
    done += n;
    if (options.progress && (done - reported >= format.sample_rate * 10 || n < chunk)) {
      reported = done;
      options.progress(std::chrono::duration_cast<microseconds>(format.duration(done)), total);
    }
    if (n < chunk) break;
  }
  measuring.finish();
  if (decoder.end() == DecodeEnd::error) throw FfmpegError(decoder.error());

  LoudnessMeasure m;
  check(ebur128_loudness_global(state.get(), &m.integrated_lufs), "integrated loudness");
  if (!std::isfinite(m.integrated_lufs)) m.integrated_lufs = -std::numeric_limits<double>::infinity();
  if (ebur128_loudness_range(state.get(), &m.range_lu) != EBUR128_SUCCESS || !std::isfinite(m.range_lu)) m.range_lu = 0.0;
  double peak = 0.0;
  for (int c = 0; c < format.channels; ++c) {
    double p = 0.0;
    check(ebur128_true_peak(state.get(), static_cast<unsigned>(c), &p), "true peak");
    peak = std::max(peak, p);
  }
  m.true_peak_dbtp = peak > 0.0 ? 20.0 * std::log10(peak) : -std::numeric_limits<double>::infinity();
  return m;
}

}  // namespace onair
