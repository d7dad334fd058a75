#pragma once
// Opening an audio decoder for a demuxed stream.
#include "player/ffmpeg/handle.hpp"

namespace onair::ffmpeg {

// Finds and opens the decoder for stream. The packet time base is set so FFmpeg applies
// encoder delay/padding (skip-samples side data) and keeps frame timestamps in the
// stream's time base. Throws FfmpegError ("no decoder for codec 'xyz'", ...).
CodecContext open_decoder(const AVStream& stream);

// Human name of the stream's codec ("mp3", "aac", "pcm_s16le").
const char* codec_name(const AVStream& stream) noexcept;

}  // namespace onair::ffmpeg
