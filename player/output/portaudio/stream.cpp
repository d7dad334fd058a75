#include "player/output/portaudio/stream.hpp"

#include <fmt/format.h>
#include <portaudio.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "player/output/portaudio/devices.hpp"
#include "player/output/portaudio/jack.hpp"

namespace onair {

PaStreamHandle::PaStreamHandle(std::size_t ring_frames, int channels, std::shared_ptr<StreamShared> shared)
    : ring_(ring_frames, channels), channels_(channels), shared_(std::move(shared)) {}

std::unique_ptr<PaStreamHandle> PaStreamHandle::open(const StreamRequest& req, std::shared_ptr<StreamShared> shared) {
  PortAudioLibrary hold;  // keeps device indices valid from listing to opening
  const DeviceInfo dev = select_device(list_devices(), req.device);

  PaStreamParameters params{};
  params.device = dev.index;
  params.channelCount = std::min(req.format.channels, dev.max_output_channels);
  params.sampleFormat = paFloat32;
  params.suggestedLatency = req.latency.count() > 0 ? double(req.latency.count()) / 1000.0 : dev.default_high_latency;
  if (req.exact && params.channelCount != req.format.channels)
    throw OutputError(fmt::format("'{}' now has {} channels", dev.name, params.channelCount));

  // The requested rate first, then the device's own, then common ones: the decoder
  // resamples to whatever we report.
  std::vector<double> rates{double(req.format.sample_rate)};
  if (!req.exact) {
    rates.push_back(dev.default_sample_rate);
    for (double r : {48000.0, 44100.0, 96000.0, 88200.0, 32000.0, 22050.0, 16000.0}) rates.push_back(r);
  }
  double rate = 0;
  {
    std::lock_guard lock(portaudio_mutex());
    for (double r : rates) {
      if (r > 0 && Pa_IsFormatSupported(nullptr, &params, r) == paFormatIsSupported) {
        rate = r;
        break;
      }
    }
  }
  if (rate == 0)
    throw OutputError(req.exact ? fmt::format("'{}' no longer takes {} Hz", dev.name, req.format.sample_rate)
                                : fmt::format("'{}' accepts none of the usual sample rates", dev.name));
  const AudioFormat got{static_cast<int>(std::lround(rate)), params.channelCount};
  const auto ring_frames = static_cast<std::size_t>(std::max<FrameCount>(got.frames(req.buffer), 1024));
  std::unique_ptr<PaStreamHandle> s(new PaStreamHandle(ring_frames, got.channels, std::move(shared)));
  s->format_ = got;
  s->device_name_ = dev.name;
  s->extra_latency_ = std::chrono::duration<double>(req.extra_latency).count();
  // See portaudio_jack.hpp: PortAudio's JACK latency is one period short.
  const std::optional<double> jack_latency =
      dev.host_api == "JACK Audio Connection Kit" ? jack_playback_latency(dev.name) : std::nullopt;

  std::string failure;
  {
    // `s` must not be destroyed inside this lock (its destructor takes it): carry the error out.
    std::lock_guard lock(portaudio_mutex());
    const unsigned long fpb = req.frames_per_buffer ? req.frames_per_buffer : paFramesPerBufferUnspecified;
    PaStream* pa = nullptr;
    PaError err = Pa_OpenStream(&pa, nullptr, &params, rate, fpb, paNoFlag, &PaStreamHandle::callback, s.get());
    if (err != paNoError) {
      failure = fmt::format("cannot open '{}' at {} Hz: {}", dev.name, got.sample_rate, portaudio_error_text(err));
    } else {
      const PaStreamInfo* info = Pa_GetStreamInfo(pa);
      s->latency_ = jack_latency ? *jack_latency : info ? info->outputLatency : params.suggestedLatency;
      s->use_time_info_ = !jack_latency;
      s->latency_ += s->extra_latency_;
      if ((err = Pa_StartStream(pa)) != paNoError) {
        failure = fmt::format("cannot start '{}': {}", dev.name, portaudio_error_text(err));
        Pa_CloseStream(pa);
      } else {
        s->pa_ = pa;
      }
    }
  }
  if (!failure.empty()) throw OutputError(failure);
  return s;
}

PaStreamHandle::~PaStreamHandle() {
  if (!pa_) return;
  detach();
  std::lock_guard lock(portaudio_mutex());
  // Stop plays out what the host already holds; abort is for a dead device.
  const PaError err = graceful_ ? Pa_StopStream(pa_) : Pa_AbortStream(pa_);
  if (err != paNoError && err != paStreamIsStopped)
    output_log()->debug("stopping '{}': {}", device_name_, portaudio_error_text(err));
  Pa_CloseStream(pa_);
}

int PaStreamHandle::active() const {
  std::unique_lock lock(portaudio_mutex(), std::try_to_lock);
  if (!lock.owns_lock()) return 1;  // busy elsewhere: the heartbeat still watches the device
  return Pa_IsStreamActive(pa_);
}

void PaStreamHandle::detach() noexcept {
  detached_.store(true, std::memory_order_seq_cst);
  // Dekker-style handshake with the callback's in_callback_/detached_ pair (both seq_cst):
  // either the callback sees detached_, or we see it inside and wait for it to leave.
  while (in_callback_.load(std::memory_order_seq_cst)) std::this_thread::yield();
}

// Real-time context: copy, count, stamp. No allocation, locks, logging, exceptions or I/O.
int PaStreamHandle::callback(const void*, void* output, unsigned long count, const PaStreamCallbackTimeInfo* time,
                             unsigned long, void* user) noexcept {
  auto& s = *static_cast<PaStreamHandle*>(user);
  const MonoTime now = MonoClock::now();
  auto* out = static_cast<float*>(output);
  const auto ch = static_cast<std::size_t>(s.channels_);
  s.heartbeat_.fetch_add(1, std::memory_order_release);

  s.in_callback_.store(true, std::memory_order_seq_cst);
  if (s.detached_.load(std::memory_order_seq_cst)) {
    std::memset(out, 0, count * ch * sizeof(float));
    s.in_callback_.store(false, std::memory_order_release);
    return paContinue;
  }
  const std::size_t got = s.ring_.read(out, count);
  if (got < count) std::memset(out + got * ch, 0, (count - got) * ch * sizeof(float));
  StreamShared& sh = *s.shared_;
  if (got > 0) {
    // DAC latency of this buffer: PortAudio's per-buffer estimate when the host gives one.
    double latency = s.latency_;
    if (s.use_time_info_ && time && time->outputBufferDacTime > time->currentTime)
      latency = time->outputBufferDacTime - time->currentTime + s.extra_latency_;
    const FrameCount frame = sh.next_frame.load(std::memory_order_relaxed);
    sh.stamps.store({frame, now + std::chrono::nanoseconds(std::llround(latency * 1e9)),
                     sh.epoch.load(std::memory_order_relaxed)});
    sh.next_frame.store(frame + static_cast<FrameCount>(got), std::memory_order_release);
    s.primed_ = true;
  }
  if (got < count && s.primed_ && !s.quiet_.load(std::memory_order_relaxed)) {
    sh.underruns.fetch_add(1, std::memory_order_relaxed);
    sh.underrun_frames.fetch_add(static_cast<FrameCount>(count - got), std::memory_order_relaxed);
    sh.epoch.fetch_add(1, std::memory_order_relaxed);  // later frames now play later than stamped
  }
  s.in_callback_.store(false, std::memory_order_release);
  return paContinue;
}

}  // namespace onair
