#include "player/output/wav.hpp"

#include <spdlog/spdlog.h>

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sys/types.h>

namespace onair {

static_assert(std::endian::native == std::endian::little,
              "WAV samples are written straight from memory; add byte swapping for big-endian");

namespace {

// Header layout (byte offsets). The JUNK chunk is the placeholder RF64 needs for ds64.
constexpr long kRiffSize = 4;
constexpr long kJunk = 12;          // "JUNK"/"ds64" chunk id
constexpr long kDs64Body = 20;      // riffSize64, dataSize64, sampleCount64, tableLength
constexpr std::uint32_t kDs64Len = 28;
constexpr long kFmt = kJunk + 8 + kDs64Len;  // 48

constexpr std::uint32_t kMax32 = 0xFFFFFFFFu;

struct Layout {
  std::uint32_t fmt_len;  // 16 for PCM, 18 for float (cbSize)
  long fact;              // offset of the fact chunk, or -1
  long data;              // offset of the "data" chunk id
  long header_size() const { return data + 8; }
};

Layout layout(WavSampleFormat f) {
  if (f == WavSampleFormat::pcm16) return {16, -1, kFmt + 8 + 16};
  const long fact = kFmt + 8 + 18;
  return {18, fact, fact + 12};  // non-PCM formats carry a fact chunk (frame count)
}

void le16(std::vector<unsigned char>& b, std::uint16_t v) {
  b.push_back(static_cast<unsigned char>(v));
  b.push_back(static_cast<unsigned char>(v >> 8));
}
void le32(std::vector<unsigned char>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void tag(std::vector<unsigned char>& b, const char* id) { b.insert(b.end(), id, id + 4); }

std::int16_t to_pcm16(float x) {
  if (std::isnan(x)) return 0;
  x = x > 1.0f ? 1.0f : (x < -1.0f ? -1.0f : x);
  return static_cast<std::int16_t>(std::lrintf(x * 32767.0f));  // symmetric: ±1 -> ±32767
}

}  // namespace

WavOutput::WavOutput(WavOutputOptions options) : options_(std::move(options)) {}

WavOutput::~WavOutput() {
  try {
    close();
  } catch (const std::exception& e) {
    output_log()->error("{}: {}", describe(), e.what());
  }
}

AudioFormat WavOutput::open(const AudioFormat& requested) {
  if (file_) throw OutputError(describe() + ": already open");
  if (requested.sample_rate <= 0 || requested.channels <= 0 || requested.channels > 255)
    throw OutputError(describe() + ": invalid format");
  format_ = requested;
  file_ = std::fopen(options_.path.c_str(), "wb");
  if (!file_) throw OutputError(describe() + ": cannot create: " + std::strerror(errno));
  // Data goes out in 1 MiB write()s from out_ (stdio unbuffered); the header is fixed up in place.
  std::setvbuf(file_, nullptr, _IONBF, 0);
  out_.reserve(kOutBytes);
  out_.clear();
  written_ = 0;
  since_fixup_ = 0;
  rf64_ = false;
  write_header();
  if (options_.realtime) {
    Sleeper& sleeper = options_.sleeper ? *options_.sleeper : system_sleeper();
    pacer_ = std::make_unique<Pacer>(sleeper, format_, format_.frames(options_.buffer));
    pacer_->restart(0, 0);
  }
  output_log()->debug("{}: opened, {} Hz, {} ch, {}", describe(), format_.sample_rate, format_.channels,
                      options_.sample_format == WavSampleFormat::pcm16 ? "s16" : "f32");
  return format_;
}

void WavOutput::write_header() {
  const bool pcm = options_.sample_format == WavSampleFormat::pcm16;
  const Layout lay = layout(options_.sample_format);
  const std::uint16_t bytes = pcm ? 2 : 4;
  const auto block = static_cast<std::uint16_t>(bytes * format_.channels);
  std::vector<unsigned char> h;
  tag(h, "RIFF");
  le32(h, 0);  // fixed up
  tag(h, "WAVE");
  tag(h, "JUNK");
  le32(h, kDs64Len);
  h.resize(h.size() + kDs64Len, 0);
  tag(h, "fmt ");
  le32(h, lay.fmt_len);
  le16(h, pcm ? 1 : 3);  // WAVE_FORMAT_PCM / WAVE_FORMAT_IEEE_FLOAT
  le16(h, static_cast<std::uint16_t>(format_.channels));
  le32(h, static_cast<std::uint32_t>(format_.sample_rate));
  le32(h, static_cast<std::uint32_t>(format_.sample_rate) * block);
  le16(h, block);
  le16(h, static_cast<std::uint16_t>(bytes * 8));
  if (!pcm) {
    le16(h, 0);  // cbSize
    tag(h, "fact");
    le32(h, 4);
    le32(h, 0);  // frame count, fixed up
  }
  tag(h, "data");
  le32(h, 0);  // fixed up
  if (static_cast<long>(h.size()) != lay.header_size()) throw std::logic_error("wav header layout");
  if (std::fwrite(h.data(), 1, h.size(), file_) != h.size())
    throw OutputError(describe() + ": write failed: " + std::strerror(errno));
}

void WavOutput::append(const void* data, std::size_t n) {
  if (out_.size() + n > kOutBytes) write_out();
  if (n >= kOutBytes) {
    if (std::fwrite(data, 1, n, file_) != n) throw OutputError(describe() + ": write failed: " + std::strerror(errno));
    return;
  }
  const char* p = static_cast<const char*>(data);
  out_.insert(out_.end(), p, p + n);
}

void WavOutput::write_out() {
  if (out_.empty()) return;
  const bool ok = std::fwrite(out_.data(), 1, out_.size(), file_) == out_.size();
  out_.clear();
  if (!ok) throw OutputError(describe() + ": write failed: " + std::strerror(errno));
}

void WavOutput::put_bytes(long offset, const void* data, std::size_t n) {
  if (fseeko(file_, offset, SEEK_SET) != 0 || std::fwrite(data, 1, n, file_) != n)
    throw OutputError(describe() + ": header update failed: " + std::strerror(errno));
}

void WavOutput::flush() {
  if (!file_) return;
  const Layout lay = layout(options_.sample_format);
  const std::uint64_t frames = static_cast<std::uint64_t>(written_.load());
  const std::uint64_t block = (options_.sample_format == WavSampleFormat::pcm16 ? 2u : 4u) *
                              static_cast<std::uint64_t>(format_.channels);
  const std::uint64_t data = frames * block;
  const std::uint64_t riff = static_cast<std::uint64_t>(lay.header_size()) - 8 + data;
  write_out();
  if (std::fflush(file_) != 0) throw OutputError(describe() + ": write failed: " + std::strerror(errno));
  const off_t end = ftello(file_);  // 64-bit: files pass 4 GiB
  if (!rf64_ && data > options_.rf64_threshold) {
    rf64_ = true;  // one-way: RIFF/JUNK become RF64/ds64
    put_bytes(0, "RF64", 4);
    put_bytes(kJunk, "ds64", 4);
    output_log()->info("{}: data passed 4 GiB, continuing as RF64", describe());
  }
  auto u32 = [](std::uint64_t v) { return static_cast<std::uint32_t>(v > kMax32 ? kMax32 : v); };
  std::uint32_t v32 = rf64_ ? kMax32 : u32(riff);
  put_bytes(kRiffSize, &v32, 4);
  if (rf64_) {
    const std::uint64_t ds64[3] = {riff, data, frames};
    put_bytes(kDs64Body, ds64, sizeof ds64);
  }
  if (lay.fact >= 0) {
    v32 = rf64_ ? kMax32 : u32(frames);
    put_bytes(lay.fact + 8, &v32, 4);
  }
  v32 = rf64_ ? kMax32 : u32(data);
  put_bytes(lay.data + 4, &v32, 4);
  if (end < 0 || fseeko(file_, end, SEEK_SET) != 0 || std::fflush(file_) != 0)
    throw OutputError(describe() + ": write failed: " + std::strerror(errno));
  since_fixup_ = 0;
}

void WavOutput::write(const float* interleaved, FrameCount frames) {
  if (!file_) throw OutputError(describe() + ": not open");
  if (frames <= 0) return;
  const std::size_t samples = static_cast<std::size_t>(frames) * static_cast<std::size_t>(format_.channels);
  if (options_.sample_format == WavSampleFormat::pcm16) {
    if (pcm_.size() < samples) pcm_.resize(samples);
    for (std::size_t i = 0; i < samples; ++i) pcm_[i] = to_pcm16(interleaved[i]);
    append(pcm_.data(), samples * sizeof(std::int16_t));
  } else {
    append(interleaved, samples * sizeof(float));
  }
  counted(frames);
}

void WavOutput::write_pcm16(const std::int16_t* interleaved, FrameCount frames) {
  if (!file_) throw OutputError(describe() + ": not open");
  if (options_.sample_format != WavSampleFormat::pcm16) throw OutputError(describe() + ": not a 16-bit file");
  if (frames <= 0) return;
  append(interleaved, static_cast<std::size_t>(frames) * static_cast<std::size_t>(format_.channels) * sizeof(std::int16_t));
  counted(frames);
}

void WavOutput::counted(FrameCount frames) {
  written_.fetch_add(frames, std::memory_order_relaxed);
  since_fixup_ += frames;
  if (since_fixup_ >= format_.frames(options_.header_interval)) flush();
  if (pacer_) pacer_->advance(frames);
}

void WavOutput::close() {
  if (!file_) return;
  std::FILE* f = file_;
  try {
    flush();
  } catch (...) {
    std::fclose(f);
    file_ = nullptr;
    throw;
  }
  file_ = nullptr;
  if (std::fclose(f) != 0) throw OutputError(describe() + ": close failed: " + std::strerror(errno));
  output_log()->debug("{}: closed after {} frames", describe(), written_.load());
}

std::optional<OutputStamp> WavOutput::stamp() const {
  return pacer_ ? pacer_->stamp() : std::nullopt;
}

OutputStats WavOutput::stats() const { return paced_stats(written_.load(std::memory_order_relaxed), pacer_.get()); }

}  // namespace onair
