#pragma once
// The codecs a stream output can carry, and what each is called on the wire.
#include <string_view>

namespace onair {

enum class StreamCodec { mp3, opus, aac, l16 };  // l16: 16-bit PCM, RTP only

// The FFmpeg encoder and muxer: libmp3lame raw frames, libopus in Ogg, FFmpeg's aac in ADTS,
// pcm_s16be (RTP's L16).
std::string_view encoder_name(StreamCodec c) noexcept;
std::string_view muxer_name(StreamCodec c) noexcept;
// The HTTP Content-Type a listener is told.
std::string_view mime_type(StreamCodec c) noexcept;
// "mp3", "opus", "aac" (in messages and status).
std::string_view codec_label(StreamCodec c) noexcept;

}  // namespace onair
