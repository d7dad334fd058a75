#include "player/output/factory.hpp"

#include "player/output/fan_out.hpp"
#include "player/output/null.hpp"
#include "player/output/queued.hpp"
#include "player/output/stream/icecast.hpp"
#include "player/output/stream/listen.hpp"
#include "player/output/stream/rtp.hpp"
#include "player/output/portaudio/output.hpp"
#include "player/output/wav.hpp"

namespace onair {

std::unique_ptr<Output> make_output(std::string_view spec, const OutputOptions& options) {
  if (spec == "null") {
    return std::make_unique<NullOutput>(NullOutputOptions{options.realtime, options.sleeper, options.buffer});
  }
  if (spec.starts_with("wav:") && spec.size() > 4) {
    WavOutputOptions w;
    w.path = std::string(spec.substr(4));
    w.sample_format = options.wav_pcm16 ? WavSampleFormat::pcm16 : WavSampleFormat::float32;
    w.realtime = options.realtime;
    w.sleeper = options.sleeper;
    w.buffer = options.buffer;
    return std::make_unique<WavOutput>(std::move(w));
  }
  if (spec == "default" || (spec.starts_with("pa:") && spec.size() > 3)) {
    PortAudioOutputOptions p;
    if (spec != "default") p.device = std::string(spec.substr(3));
    p.buffer = options.buffer;
    p.sleeper = options.sleeper;
    return std::make_unique<PortAudioOutput>(std::move(p));
  }
  if (spec.starts_with("icecast://")) {
    std::string error;
    auto target = parse_icecast_url(spec, error);
    if (!target) throw OutputError(error);
    QueuedOutputOptions q;
    q.wait_when_full = !options.realtime;
    q.delay = target->delay;
    IcecastOptions o;
    o.target = std::move(*target);
    return std::make_unique<QueuedOutput>(std::make_unique<IcecastOutput>(std::move(o)), q);
  }
  if (spec.starts_with("listen://")) {
    std::string error;
    auto target = parse_listen_url(spec, error);
    if (!target) throw OutputError(error);
    QueuedOutputOptions q;
    q.wait_when_full = !options.realtime;
    q.delay = target->delay;
    ListenOptions o;
    o.target = std::move(*target);
    return std::make_unique<QueuedOutput>(std::make_unique<ListenOutput>(std::move(o)), q);
  }
  if (spec.starts_with("rtp://")) {
    std::string error;
    auto target = parse_rtp_url(spec, error);
    if (!target) throw OutputError(error);
    QueuedOutputOptions q;
    q.wait_when_full = !options.realtime;
    q.delay = target->delay;
    return std::make_unique<QueuedOutput>(std::make_unique<RtpOutput>(std::move(*target)), q);
  }
  throw OutputError("unknown output '" + std::string(spec) +
                    "': use default, pa:NAME, wav:PATH, null, icecast://USER:PASS@HOST:PORT/MOUNT or "
                    "listen://HOST:PORT/NAME.mp3 or rtp://GROUP:PORT");
}

bool is_stream_output(std::string_view spec) noexcept {
  return spec.starts_with("icecast://") || spec.starts_with("listen://") || spec.starts_with("rtp://");
}

std::unique_ptr<Output> make_outputs(const std::vector<std::string>& specs, const OutputOptions& options) {
  if (specs.empty()) throw OutputError("no output given");
  std::size_t master = specs.size();
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (!is_stream_output(specs[i])) {
      master = i;
      break;
    }
  if (specs.size() == 1 && master == 0) return make_output(specs[0], options);
  std::unique_ptr<Output> primary = make_output(master < specs.size() ? std::string_view(specs[master]) : "null", options);
  std::vector<std::unique_ptr<QueuedOutput>> followers;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (i == master) continue;
    auto out = make_output(specs[i], options);
    if (auto* queued = dynamic_cast<QueuedOutput*>(out.get())) {
      out.release();
      followers.emplace_back(queued);
    } else {
      QueuedOutputOptions q;
      q.wait_when_full = !options.realtime;
      followers.push_back(std::make_unique<QueuedOutput>(std::move(out), q));
    }
  }
  return std::make_unique<FanOutOutput>(std::move(primary), std::move(followers));
}

}  // namespace onair
