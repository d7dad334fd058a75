#include "player/output/portaudio/jack.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace onair {

namespace {

// The few libjack declarations needed (ABI-stable since JACK 0.120), so that neither
// jack/jack.h nor -ljack is a build requirement.
struct JackClient;
struct JackPort;
struct JackLatencyRange {
  std::uint32_t min;
  std::uint32_t max;
};
constexpr int kJackNoStartServer = 0x01;
constexpr unsigned long kJackPortIsInput = 0x1;
constexpr int kJackPlaybackLatency = 1;

using ClientOpen = JackClient* (*)(const char*, int, int*, ...);
using ClientClose = int (*)(JackClient*);
using GetPorts = const char** (*)(JackClient*, const char*, const char*, unsigned long);
using PortByName = JackPort* (*)(JackClient*, const char*);
using LatencyRange = void (*)(JackPort*, int, JackLatencyRange*);
using SampleRate = std::uint32_t (*)(JackClient*);
using Free = void (*)(void*);

template <class F>
F lookup(const char* name) {
  void* p = dlsym(RTLD_DEFAULT, name);
  F f = nullptr;
  static_assert(sizeof f == sizeof p);
  std::memcpy(&f, &p, sizeof p);  // object -> function pointer without a pedantic warning
  return f;
}

}  // namespace

std::optional<double> jack_playback_latency(const std::string& client) {
  const auto open = lookup<ClientOpen>("jack_client_open");
  const auto close = lookup<ClientClose>("jack_client_close");
  const auto get_ports = lookup<GetPorts>("jack_get_ports");
  const auto by_name = lookup<PortByName>("jack_port_by_name");
  const auto range = lookup<LatencyRange>("jack_port_get_latency_range");
  const auto rate = lookup<SampleRate>("jack_get_sample_rate");
  const auto jfree = lookup<Free>("jack_free");
  if (!open || !close || !get_ports || !by_name || !range || !rate || !jfree) return std::nullopt;

  int status = 0;
  JackClient* c = open("onair-latency", kJackNoStartServer, &status);
  if (!c) return std::nullopt;
  std::uint32_t frames = 0;
  bool found = false;
  if (const char** ports = get_ports(c, nullptr, nullptr, kJackPortIsInput)) {
    const std::string prefix = client + ":";
    for (const char** p = ports; *p; ++p) {
      if (std::strncmp(*p, prefix.c_str(), prefix.size()) != 0) continue;
      if (JackPort* port = by_name(c, *p)) {
        JackLatencyRange r{0, 0};
        range(port, kJackPlaybackLatency, &r);
        frames = std::max(frames, r.max);
        found = true;
      }
    }
    jfree(static_cast<void*>(ports));
  }
  const std::uint32_t sr = rate(c);
  close(c);
  if (!found || sr == 0) return std::nullopt;
  return double(frames) / double(sr);
}

}  // namespace onair
