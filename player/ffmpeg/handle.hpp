#pragma once
// Move-only owners for the FFmpeg objects onair uses. Every FFmpeg "free" function
// for these types takes T** and nulls the pointer, so one template covers them all.
#include <utility>

#include "player/ffmpeg/error.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
}

namespace onair::ffmpeg {

template <class T, void (*Free)(T**)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(T* p) noexcept : p_(p) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) reset(std::exchange(other.p_, nullptr));
    return *this;
  }
  ~Handle() { reset(); }

  void reset(T* p = nullptr) noexcept {
    if (p_) Free(&p_);
    p_ = p;
  }
  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  // For FFmpeg functions that allocate into a T** (the previous object is freed first).
  T** out() noexcept {
    reset();
    return &p_;
  }

 private:
  T* p_ = nullptr;
};

using FormatHandle = Handle<AVFormatContext, avformat_close_input>;
using CodecContext = Handle<AVCodecContext, avcodec_free_context>;
using Frame = Handle<AVFrame, av_frame_free>;
using Packet = Handle<AVPacket, av_packet_free>;
using SwrHandle = Handle<SwrContext, swr_free>;

// Allocators that throw instead of returning null.
inline Frame make_frame() {
  Frame f(av_frame_alloc());
  if (!f) throw FfmpegError("av_frame_alloc: out of memory");
  return f;
}
inline Packet make_packet() {
  Packet p(av_packet_alloc());
  if (!p) throw FfmpegError("av_packet_alloc: out of memory");
  return p;
}

}  // namespace onair::ffmpeg
