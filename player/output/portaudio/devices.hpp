#pragma once
// PortAudio output devices: listing (for `onair devices`) and selection by name
// (`--output pa:NAME`: exact name, else a unique case-insensitive substring).
#include <string>
#include <string_view>
#include <vector>

#include "player/output/output.hpp"

namespace onair {

struct DeviceInfo {
  int index = -1;                 // PortAudio device index (valid until re-initialization)
  std::string name;
  std::string host_api;           // "ALSA", "JACK Audio Connection Kit", ...
  int max_output_channels = 0;
  double default_sample_rate = 0;
  double default_low_latency = 0;   // seconds
  double default_high_latency = 0;  // seconds
  bool is_default = false;        // PortAudio's default output device
};

// A device that is missing or ambiguous; the message lists the available devices.
class DeviceError : public OutputError {
 public:
  using OutputError::OutputError;
};

// Output-capable devices. Initializes PortAudio for the call unless it already is.
std::vector<DeviceInfo> list_devices();

// Picks the device for `query`. Empty query: the default output device. Otherwise an exact
// name match wins (several exact matches: the one on the default host API), then a unique
// case-insensitive substring. Throws DeviceError naming the candidates or all devices.
DeviceInfo select_device(const std::vector<DeviceInfo>& devices, std::string_view query);

// One line per device, e.g. `  system  (JACK Audio Connection Kit, 2 ch, 48000 Hz) [default]`.
std::string format_devices(const std::vector<DeviceInfo>& devices);

}  // namespace onair
