#include "player/ffmpeg/codec.hpp"

#include <string>

namespace onair::ffmpeg {

CodecContext open_decoder(const AVStream& stream) {
  const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
  if (!codec) throw FfmpegError(std::string("no decoder for codec '") + codec_name(stream) + "'");
  CodecContext ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw FfmpegError("avcodec_alloc_context3: out of memory");
  av_check(avcodec_parameters_to_context(ctx.get(), stream.codecpar), "decoder parameters");
  ctx->pkt_timebase = stream.time_base;
  // Audio decoding is far cheaper than real time; extra threads would only add latency
  // and memory, and the engine already decodes on its own worker thread.
  ctx->thread_count = 1;
  av_check(avcodec_open2(ctx.get(), codec, nullptr),
           std::string("open ") + codec_name(stream) + " decoder");
  return ctx;
}

const char* codec_name(const AVStream& stream) noexcept {
  return avcodec_get_name(stream.codecpar->codec_id);
}

}  // namespace onair::ffmpeg
