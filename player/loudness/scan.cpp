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
#include "player/loudness/true_peak.hpp"
#include "player/pcm/mix.hpp"

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

// Decoding and measuring cost about the same: a second thread measures one chunk while the
// caller decodes the next, so a scan takes about as long as the slower half. Chunks go
// round a small ring of buffers. libebur128 measures loudness and range; the true peak is
// our TruePeakDetector's (the limiter's and the output meter's), which skips the 4×
// oversampling where the samples cannot raise the peak found so far: libebur128's own
// true-peak mode (every sample of every channel oversampled) made a first scan of an hour
// of MP3 cost 1.2× ffmpeg's ebur128 filter.
class MeasureThread {
 public:
  MeasureThread(ebur128_state* state, int channels, std::size_t chunk_samples)
      : state_(state), channels_(channels), detector_(channels) {
    values_.resize(TruePeakDetector::kChunk);
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
    // The last samples' interpolations: kTaps frames of silence after them.
    const std::vector<float> zero(static_cast<std::size_t>(TruePeakDetector::kTaps * channels_), 0.0f);
    peak_chunk(zero.data(), TruePeakDetector::kTaps);
  }
  // Linear, the largest over all channels.
  float true_peak() const noexcept { return peak_; }

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
      true_peaks(b->samples.data(), static_cast<FrameCount>(b->frames));
      {
        std::lock_guard lock(mutex_);
        if (ret != EBUR128_SUCCESS) failed_ = ret;
        head_ = (head_ + 1) % buffers_.size();
        --filled_;
      }
      cv_.notify_all();
    }
  }

  void true_peaks(const float* data, FrameCount frames) {
    const auto ch = static_cast<std::size_t>(channels_);
    for (FrameCount at = 0; at < frames;) {
      const int n = static_cast<int>(std::min<FrameCount>(frames - at, TruePeakDetector::kChunk));
      const float* x = data + static_cast<std::size_t>(at) * ch;
      const float here = peak(x, static_cast<std::size_t>(n) * ch);
      // The values of this chunk depend on it and the kTaps − 1 frames before.
      if (std::max(here, tail_) * TruePeakDetector::bound() <= peak_) detector_.skip(x, n);
      else peak_chunk(x, n);
      tail_ = n >= TruePeakDetector::kTaps - 1
                  ? onair::peak(x + static_cast<std::size_t>(n - (TruePeakDetector::kTaps - 1)) * ch,
                                static_cast<std::size_t>(TruePeakDetector::kTaps - 1) * ch)
                  : std::max(tail_, here);
      at += n;
    }
  }
  void peak_chunk(const float* x, int n) {
    detector_.peaks(x, n, values_.data());
    for (int i = 0; i < n; ++i) peak_ = std::max(peak_, values_[static_cast<std::size_t>(i)]);
  }

  ebur128_state* state_;
  const int channels_;
  TruePeakDetector detector_;  // the measuring thread's
  std::vector<float> values_;
  float peak_ = 0.0f, tail_ = 0.0f;
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
                   EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_HISTOGRAM));
  if (!state) throw std::runtime_error("libebur128: cannot measure " + std::to_string(format.channels) +
                                       " channels at " + std::to_string(format.sample_rate) + " Hz");

  const microseconds end = range.out_us >= 0 ? microseconds(range.out_us) : length;
  const microseconds total = end > microseconds(range.in_us) ? end - microseconds(range.in_us) : microseconds{0};
  // About a tenth of a second per chunk: few calls, and the buffer stays small.
  const FrameCount chunk = std::max(1024, format.sample_rate / 10);
  FrameCount done = 0, reported = 0;
  MeasureThread measuring(state.get(), format.channels,
                          static_cast<std::size_t>(chunk) * static_cast<std::size_t>(format.channels));
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
  const double peak = measuring.true_peak();
  m.true_peak_dbtp = peak > 0.0 ? 20.0 * std::log10(peak) : -std::numeric_limits<double>::infinity();
  return m;
}

}  // namespace onair
