#pragma once
// The prober the commands use: FFmpeg behind the persistent probe cache.
#include <memory>

#include "cli/commands.hpp"
#include "scheduler/media_info.hpp"

namespace onair {

std::unique_ptr<MediaProber> make_media_prober(const CommonOptions& common);

// $ONAIR_CACHE_DIR, else $XDG_CACHE_HOME/onair, else ~/.cache/onair.
std::filesystem::path default_cache_dir();

}  // namespace onair
