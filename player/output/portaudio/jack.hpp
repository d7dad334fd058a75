#pragma once
// JACK facts PortAudio gets wrong. PortAudio 19.6 reports a JACK device's output latency
// from the deprecated jack_port_get_latency(), which leaves out the period that an
// asynchronous jackd2 adds (dummy backend, -p 1024: it says 21.3 ms, JACK's own latency
// range says 42.7 ms). Stamps must carry the real DAC time, so the JACK figure is asked
// for directly.
#include <optional>
#include <string>

namespace onair {

// The playback latency JACK reports (max of jack_port_get_latency_range) for the input
// ports of the JACK client `client` ("system"), in seconds. nullopt when libjack is not
// loaded or the server cannot be reached. Opens and closes a short-lived JACK client;
// libjack is looked up at run time (it is already loaded by PortAudio), not linked.
std::optional<double> jack_playback_latency(const std::string& client);

}  // namespace onair
