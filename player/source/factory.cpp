#include "player/source/factory.hpp"

#include "player/source/spoken.hpp"
#include "player/source/tone.hpp"

namespace onair {

std::unique_ptr<Source> MediaSourceFactory::open(const Segment& segment, FrameCount first, const AudioFormat& format) {
  if (segment.kind == Segment::Kind::tone)
    return make_tone_source(segment.tone, first - segment.origin, segment.length, format);
  if (segment.kind == Segment::Kind::spoken_time)
    return make_spoken_source(segment.source, segment.voice, speech_, first - segment.origin, segment.length, format);
  if (segment.kind == Segment::Kind::relay) return make_relay_source(segment.source, segment.fallback, format, relay_);
  FileSourceOptions options;
  options.cue_in = segment.cue_in + (first - segment.origin);
  return make_file_source(segment.source, format, options);
}

}  // namespace onair
