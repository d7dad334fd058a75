#pragma once
// Lifetime and thread-safety of the PortAudio library.
//
// PortAudio reference-counts Pa_Initialize/Pa_Terminate; the device list is only read at
// initialization, so re-enumerating (to find a card that came back) means dropping every
// reference and initializing again. PortAudio is not thread-safe: every non-callback call
// goes through portaudio_mutex().
#include <mutex>

namespace onair {

// The mutex serializing PortAudio calls (init, enumeration, open/start/stop/close).
std::mutex& portaudio_mutex();

// An RAII reference to an initialized PortAudio. The first one also silences the ALSA and
// JACK client libraries, which otherwise print probing noise to stderr (set
// ONAIR_AUDIO_DEBUG=1 to keep it). Throws OutputError if Pa_Initialize fails.
class PortAudioLibrary {
 public:
  PortAudioLibrary();
  ~PortAudioLibrary();
  PortAudioLibrary(const PortAudioLibrary&) = delete;
  PortAudioLibrary& operator=(const PortAudioLibrary&) = delete;
};

// Text for a PortAudio error code, including host error details when there are any.
const char* portaudio_error_text(int pa_error);

}  // namespace onair
