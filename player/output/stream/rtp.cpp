#include "player/output/stream/rtp.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "player/output/stream/encoder.hpp"

namespace onair {

namespace {
constexpr std::size_t kPacket = 1316;  // 7 × 188: fits any Ethernet or VPN MTU with room
bool multicast(const IpAddress& a) { return a.v6 ? a.bytes[0] == 0xff : (a.bytes[0] & 0xf0) == 0xe0; }
}  // namespace

RtpOutput::RtpOutput(RtpTarget target) : target_(std::move(target)), describe_(onair::describe(target_)) {
  if (!stream_encoder_available(target_.codec))
    throw OutputError(describe_ + ": this FFmpeg has no " + std::string(encoder_name(target_.codec)) + " encoder");
}

RtpOutput::~RtpOutput() { close(); }

AudioFormat RtpOutput::open(const AudioFormat& requested) {
  close();
  auto fail = [&](const std::string& what) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw OutputError(describe_ + ": " + what);
  };
  const IpAddress& a = target_.address;
  fd_ = ::socket(a.v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail(std::string("socket: ") + std::strerror(errno));
  const int ttl = target_.ttl;
  if (a.v6) {
    ::setsockopt(fd_, IPPROTO_IPV6, multicast(a) ? IPV6_MULTICAST_HOPS : IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
  } else {
    const unsigned char mttl = static_cast<unsigned char>(ttl);
    if (multicast(a)) ::setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, sizeof mttl);
    else ::setsockopt(fd_, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
  }
  sockaddr_storage ss{};
  const socklen_t len = to_sockaddr(a, target_.port, ss);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) fail(std::string("connect: ") + std::strerror(errno));
  StreamEncoderParams p;
  p.codec = target_.codec;
  p.bitrate = target_.bitrate_kbps * 1000;
  p.channels = target_.mono ? 1 : 2;
  p.input = requested;
  p.rtp_packet_size = kPacket;
  const std::string host = a.v6 ? "[" + a.text() + "]" : a.text();
  p.rtp_url = "rtp://" + host + ":" + std::to_string(target_.port) + (multicast(a) ? "?ttl=" + std::to_string(ttl) : "");
  p.sink = [this](const std::uint8_t* data, std::size_t size) {
    if (::send(fd_, data, size, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
      // Full or unreachable: this packet is lost, the stream goes on (UDP has no backlog to keep).
      dropped_packets_.fetch_add(1, std::memory_order_relaxed);
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        std::lock_guard lock(mutex_);
        last_error_ = std::strerror(errno);
      }
      return true;
    }
    bytes_.fetch_add(static_cast<std::int64_t>(size), std::memory_order_relaxed);
    packets_.fetch_add(1, std::memory_order_relaxed);
    return true;
  };
  try {
    encoder_ = std::make_unique<StreamEncoder>(std::move(p));
  } catch (const std::exception& e) {
    fail(std::string("encoder: ") + e.what());
  }
  const std::string sdp = encoder_->sdp();
  if (sdp.empty()) fail("could not describe the session (SDP)");
  const auto tmp = std::filesystem::path(target_.sdp.string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << sdp;
    if (!out.good()) fail("cannot write the SDP file " + target_.sdp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target_.sdp, ec);
  if (ec) fail("cannot write the SDP file " + target_.sdp.string() + ": " + ec.message());
  output_log()->info("{}: sending; receivers open {}", describe_, target_.sdp.string());
  written_.store(0);
  return requested;
}

void RtpOutput::write(const float* interleaved, FrameCount frames) {
  if (!encoder_) return;
  written_ += frames;
  encoder_->write(interleaved, frames);
  encoder_->flush();
}

void RtpOutput::close() {
  encoder_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

OutputStats RtpOutput::stats() const {
  OutputStats s;
  s.written = written_.load();
  s.played = s.written;
  return s;
}

void RtpOutput::collect_status(std::vector<OutputStatus>& into) const {
  OutputStatus s;
  s.name = describe_;
  s.connected = fd_ >= 0;
  s.bytes = bytes_.load();
  s.failures = dropped_packets_.load();
  std::lock_guard lock(mutex_);
  s.last_error = last_error_;
  into.push_back(std::move(s));
}

}  // namespace onair
