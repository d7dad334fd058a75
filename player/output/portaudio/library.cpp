#include "player/output/portaudio/library.hpp"

#include <dlfcn.h>
#include <portaudio.h>

#include <cstdlib>
#include <string>

#include "player/output/output.hpp"

namespace onair {

namespace {

// ALSA's handler type is variadic: void (*)(const char*, int, const char*, int, const char*, ...).
void alsa_quiet(const char*, int, const char*, int, const char*, ...) {}
void jack_quiet(const char*) {}

// Installs no-op message handlers in libasound and libjack. They are looked up at run time
// (both are already loaded as dependencies of libportaudio) so onair does not link them
// and works with a PortAudio built without either.
void silence_backends() {
  const char* debug = std::getenv("ONAIR_AUDIO_DEBUG");
  if (debug && *debug && std::string(debug) != "0") return;
  using AlsaHandler = void (*)(const char*, int, const char*, int, const char*, ...);
  using AlsaSetter = int (*)(AlsaHandler);
  using JackSetter = void (*)(void (*)(const char*));
  if (auto set = reinterpret_cast<AlsaSetter>(dlsym(RTLD_DEFAULT, "snd_lib_error_set_handler")))
    set(&alsa_quiet);
  if (auto set = reinterpret_cast<JackSetter>(dlsym(RTLD_DEFAULT, "jack_set_error_function")))
    set(&jack_quiet);
  if (auto set = reinterpret_cast<JackSetter>(dlsym(RTLD_DEFAULT, "jack_set_info_function")))
    set(&jack_quiet);
}

}  // namespace

std::mutex& portaudio_mutex() {
  static std::mutex m;
  return m;
}

PortAudioLibrary::PortAudioLibrary() {
  std::lock_guard lock(portaudio_mutex());
  static std::once_flag quiet;
  std::call_once(quiet, silence_backends);
  if (const PaError err = Pa_Initialize(); err != paNoError)
    throw OutputError(std::string("PortAudio initialization failed: ") + portaudio_error_text(err));
}

PortAudioLibrary::~PortAudioLibrary() {
  std::lock_guard lock(portaudio_mutex());
  Pa_Terminate();
}

const char* portaudio_error_text(int pa_error) {
  if (pa_error == paUnanticipatedHostError) {
    const PaHostErrorInfo* info = Pa_GetLastHostErrorInfo();
    if (info && info->errorText && *info->errorText) return info->errorText;
  }
  return Pa_GetErrorText(pa_error);
}

}  // namespace onair
