#pragma once
// `onair plan` output: a timeline for people, and the same as JSON for tools.
#include <nlohmann/json.hpp>
#include <string>

#include "station/day_pipeline.hpp"

namespace onair {

std::string plan_text(const LoadedDay& day);
nlohmann::json plan_json(const LoadedDay& day);

}  // namespace onair
