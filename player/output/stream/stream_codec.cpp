#include "player/output/stream/stream_codec.hpp"

namespace onair {

std::string_view encoder_name(StreamCodec c) noexcept {
  switch (c) {
    case StreamCodec::mp3: return "libmp3lame";
    case StreamCodec::opus: return "libopus";
    case StreamCodec::aac: return "aac";
    case StreamCodec::l16: return "pcm_s16be";
  }
  return "";
}

std::string_view muxer_name(StreamCodec c) noexcept {
  switch (c) {
    case StreamCodec::mp3: return "mp3";
    case StreamCodec::opus: return "ogg";
    case StreamCodec::aac: return "adts";
    case StreamCodec::l16: return "rtp";
  }
  return "";
}

std::string_view mime_type(StreamCodec c) noexcept {
  switch (c) {
    case StreamCodec::mp3: return "audio/mpeg";
    case StreamCodec::opus: return "audio/ogg";
    case StreamCodec::aac: return "audio/aac";
    case StreamCodec::l16: return "audio/L16";
  }
  return "";
}

std::string_view codec_label(StreamCodec c) noexcept {
  switch (c) {
    case StreamCodec::mp3: return "mp3";
    case StreamCodec::opus: return "opus";
    case StreamCodec::aac: return "aac";
    case StreamCodec::l16: return "l16";
  }
  return "";
}

}  // namespace onair
