#pragma once
// The air-check recorder: the station's legal recording of what actually went out
// (docs/aircheck.md). Every block the engine writes to the output is also handed here;
// it is compressed (MP3 through libmp3lame, or Ogg Opus through libopus) into one file per
// local clock hour, FOLDER/YYYY-MM-DD/HH.mp3, split exactly at the first frame whose wall
// time reaches the hour. Old hour files are deleted after `retention_days`.
//
// Threading: write() is called from the engine thread. It only copies the block into a
// preallocated lock-free ring (no allocation, lock, I/O, logging or exception); a worker
// thread owned by the recorder encodes, writes, splits and deletes. If the worker falls
// behind by more than the ring, blocks are dropped and counted, and the recording keeps
// its timeline by encoding silence in their place. Disk errors are logged ("aircheck"
// logger) and counted, never thrown; recording resumes with the next hour's file.
// stats() may be called from any thread. close() and flush() from one control thread
// (normally the engine's, at the end of a session).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "player/pcm/audio_format.hpp"
#include "scheduler/local_day.hpp"

namespace onair {

enum class AirCheckFormat { mp3, opus };

// "mp3" / "opus" (the file extension as well).
const char* to_string(AirCheckFormat f) noexcept;
// Parses "mp3" or "opus"; nullopt otherwise.
std::optional<AirCheckFormat> parse_aircheck_format(std::string_view text) noexcept;

struct AirCheckOptions {
  std::filesystem::path folder;                // root; day folders are created inside
  AirCheckFormat format = AirCheckFormat::mp3;
  // Bits per second; 0 = the format's default (mp3: 96 kbit/s, opus: 64 kbit/s).
  int bitrate = 0;
  // Hour files older than this many days are deleted at start and at each hour change;
  // 0 keeps everything.
  int retention_days = 90;
  std::string time_zone;                       // IANA name for file naming; "" = machine's
  std::string station;                         // for the files' metadata (may be empty)
  // Audio the ring between the engine and the encoder can hold before blocks are dropped.
  std::chrono::milliseconds buffer{10'000};
  // What write() does when the ring is full. false (real time): the block is dropped and
  // counted, and silence is recorded in its place, so the engine never waits. true (for
  // rendering faster than real time, where nothing is on air): write() waits for the
  // encoder, at most 10 s per block. TeeOutput sets it for sinks that are not realtime().
  bool wait_when_full = false;
  // The current file is fdatasync'ed after this much audio (and when it is finalized),
  // bounding what a power loss can take. The data is handed to the kernel continuously.
  std::chrono::seconds sync_interval{10};
};

// The bitrate actually used for `options` (its default resolved).
int aircheck_bitrate(const AirCheckOptions& options) noexcept;

struct AirCheckStats {
  FrameCount frames_in = 0;          // frames passed to write()
  FrameCount frames_recorded = 0;    // frames encoded into files (incl. silence for gaps)
  FrameCount frames_dropped = 0;     // frames lost because the ring was full (or closed)
  FrameCount frames_unrecorded = 0;  // frames that arrived while no file could be written
  std::int64_t files_opened = 0;
  std::int64_t files_completed = 0;  // finalized with their trailer
  std::int64_t files_deleted = 0;    // by retention
  std::int64_t errors = 0;           // failures logged (open, write, finalize, delete)
  // True from a failure that stopped recording (folder unwritable, disk full, encoder
  // error) until a file is opened again: the `aircheck` alarm's condition.
  bool failing = false;
  std::string current_file;          // being written now ("" if none)
  std::string last_error;            // the latest failure's message ("" if none)
};

class AirCheckRecorder {
 public:
  // `format` is the output's (the engine's) interleaved float format. Mono and stereo are
  // recorded as they are; more channels are downmixed to stereo. Rates the codec cannot
  // take are resampled (Opus always records at 48 kHz or a divisor of it).
  // Throws std::invalid_argument for bad options (see validate()); never touches the disk
  // here, so an unwritable folder is not an error of the constructor but is logged when
  // the first file is opened.
  AirCheckRecorder(AirCheckOptions options, AudioFormat format);
  ~AirCheckRecorder();  // close()
  AirCheckRecorder(const AirCheckRecorder&) = delete;
  AirCheckRecorder& operator=(const AirCheckRecorder&) = delete;

  // An error message for unusable options (empty folder, bad bitrate or retention, unknown
  // time zone, encoder missing from this FFmpeg build), or "" when they are fine.
  static std::string validate(const AirCheckOptions& options, const AudioFormat& format);

  // Engine thread: `frames` interleaved frames, the first of which airs at
  // `time_of_first_frame`. Never allocates or throws; never blocks unless
  // options().wait_when_full.
  void write(const float* interleaved, FrameCount frames, TimePoint time_of_first_frame) noexcept;

  // Waits until everything written so far has been encoded and handed to the kernel
  // (the files on disk are then decodable up to that point, less the encoder's look-ahead).
  // Returns false on timeout. Not for the engine thread in real time.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Records what is still buffered, finalizes the current file (trailer, fsync) and stops
  // the worker. Idempotent; later writes are ignored (counted as dropped).
  void close();

  AirCheckStats stats() const;
  const AirCheckOptions& options() const noexcept { return options_; }
  AudioFormat format() const noexcept { return format_; }

 private:
  struct Worker;

  AirCheckOptions options_;
  AudioFormat format_;
  std::unique_ptr<Worker> worker_;
};

}  // namespace onair
