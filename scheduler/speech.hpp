#pragma once
// Spoken items (`say:`, `say_file:`; docs/speech.md): what the schedule asks to be read and
// in which voice, and the narrow interface through which the pipeline has it rendered ahead
// of air. The renderer (espeak-ng behind a cache) lives in player/speech; tests use fakes.
// Once rendered, a spoken item is a file item on its cached WAV, so the planner knows its
// exact length and the engine airs it like any file.
#include <filesystem>
#include <optional>
#include <string>

#include "scheduler/diagnostics.hpp"
#include "scheduler/timecode.hpp"

namespace onair {

struct SpeechVoice {
  std::string voice = "vi";  // espeak-ng voice: vi, vi-VN-x-central, vi-VN-x-south
  int rate_wpm = 160;        // words per minute, 80–450
  int pitch = 50;            // 0–100
  std::string variant;       // "" (the voice's own), male, female, or an espeak-ng variant (m3, f2, …)

  friend bool operator==(const SpeechVoice&, const SpeechVoice&) = default;
};

struct SpeechSpec {
  std::string text;       // `say:` (empty with `say_file:`)
  std::string text_file;  // `say_file:`, relative to the media root
  SpeechVoice voice;
  SourceMark text_mark, voice_mark;
  bool has_errors = false;  // the item's keys are in error (reported): it is not rendered
};

struct SpeechResult {
  std::filesystem::path file;  // the rendered WAV (absolute); empty on error
  std::optional<Duration> length;  // how long it is, when the renderer knows
  std::string error;           // why not, naming the value ("unknown voice 'x' …")
  bool voice_error = false;    // the error is about the voice settings, not the text
};

class SpeechRenderer {
 public:
  virtual ~SpeechRenderer() = default;
  // Renders (or finds in its cache) `text` spoken with `voice`. Never throws.
  virtual SpeechResult render(const std::string& text, const SpeechVoice& voice) = 0;
};

struct Schedule;

// Renders every spoken item of `schedule` and turns it into a file item on the rendered WAV
// (Item::generated). A `say_time:` item is rendered at its longest readings instead, which
// checks its voice and sets its slot (`duration`); it is spoken again as it goes to air. `say_file:` texts are read from the media root. Problems go to `diags`
// at the item's line; such an item stays spoken and fails validation. With no renderer,
// every spoken item is an error.
void render_speech(Schedule& schedule, SpeechRenderer* renderer, Diagnostics& diags);

}  // namespace onair
