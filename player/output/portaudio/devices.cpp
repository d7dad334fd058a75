#include "player/output/portaudio/devices.hpp"

#include <fmt/format.h>
#include <portaudio.h>

#include <algorithm>
#include <cctype>

#include "player/output/portaudio/library.hpp"

namespace onair {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string listing(const std::vector<DeviceInfo>& devices) {
  return devices.empty() ? std::string("no output devices found")
                         : "available output devices:\n" + format_devices(devices);
}

}  // namespace

std::vector<DeviceInfo> list_devices() {
  PortAudioLibrary lib;
  std::lock_guard lock(portaudio_mutex());
  std::vector<DeviceInfo> out;
  const PaDeviceIndex count = Pa_GetDeviceCount();
  const PaDeviceIndex def = Pa_GetDefaultOutputDevice();
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (!info || info->maxOutputChannels <= 0) continue;
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    DeviceInfo d;
    d.index = i;
    d.name = info->name ? info->name : "";
    d.host_api = api && api->name ? api->name : "";
    d.max_output_channels = info->maxOutputChannels;
    d.default_sample_rate = info->defaultSampleRate;
    d.default_low_latency = info->defaultLowOutputLatency;
    d.default_high_latency = info->defaultHighOutputLatency;
    d.is_default = i == def;
    out.push_back(std::move(d));
  }
  return out;
}

DeviceInfo select_device(const std::vector<DeviceInfo>& devices, std::string_view query) {
  if (query.empty()) {
    for (const auto& d : devices)
      if (d.is_default) return d;
    throw DeviceError("no default output device; " + listing(devices));
  }
  std::vector<const DeviceInfo*> exact, partial;
  const std::string needle = lower(query);
  for (const auto& d : devices) {
    if (d.name == query) exact.push_back(&d);
    if (lower(d.name).find(needle) != std::string::npos) partial.push_back(&d);
  }
  if (exact.size() == 1) return *exact.front();
  if (exact.size() > 1) {
    // The same name on several host APIs (e.g. ALSA and OSS): take the default API's one.
    const DeviceInfo* def = nullptr;
    for (const auto& d : devices)
      if (d.is_default) def = &d;
    std::vector<const DeviceInfo*> on_default;
    for (const auto* d : exact)
      if (def && d->host_api == def->host_api) on_default.push_back(d);
    if (on_default.size() == 1) return *on_default.front();
    partial = exact;
  }
  if (partial.size() == 1) return *partial.front();
  if (partial.empty())
    throw DeviceError(fmt::format("no output device matches '{}'; {}", query, listing(devices)));
  std::vector<DeviceInfo> candidates;
  for (const auto* d : partial) candidates.push_back(*d);
  throw DeviceError(fmt::format("output device '{}' is ambiguous, it matches {} devices:\n{}"
                                "use the exact name or a longer part of it",
                                query, partial.size(), format_devices(candidates)));
}

std::string format_devices(const std::vector<DeviceInfo>& devices) {
  std::string out;
  for (const auto& d : devices) {
    out += fmt::format("  {}  ({}, {} ch, {:g} Hz){}\n", d.name, d.host_api, d.max_output_channels,
                       d.default_sample_rate, d.is_default ? " [default]" : "");
  }
  return out;
}

}  // namespace onair
