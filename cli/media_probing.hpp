#pragma once
// The prober the commands use: FFmpeg behind the persistent probe cache.
#include <memory>

#include "cli/commands.hpp"
#include "scheduler/media_info.hpp"

namespace onair {

// `progress`: a loudness scan that takes more than a second shows how far it is on stderr
// when stderr is a terminal (check, plan).
std::unique_ptr<MediaProber> make_media_prober(const CommonOptions& common, bool progress = false);

// $ONAIR_CACHE_DIR, else $XDG_CACHE_HOME/onair, else ~/.cache/onair.
std::filesystem::path default_cache_dir();

}  // namespace onair
