#include "player/source/factory.hpp"

namespace onair {

std::unique_ptr<Source> MediaSourceFactory::open(const Segment& segment, FrameCount first, const AudioFormat& format) {
  if (segment.kind == Segment::Kind::relay) return make_relay_source(segment.source, segment.fallback, format, relay_);
  FileSourceOptions options;
  options.cue_in = segment.cue_in + (first - segment.origin);
  return make_file_source(segment.source, format, options);
}

}  // namespace onair
