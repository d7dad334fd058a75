#pragma once
// Date placeholders in schedule text, so a template can name each day's media:
//   {date} 2011-11-26   {yyyy} 2011   {yy} 11   {mm} 11   {dd} 26
//   {weekday} saturday  {wd} sat      {date:FORMAT} strftime-style, e.g. {date:%d%m%Y}
//   {{ and }} are literal braces.
#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>

namespace onair {

struct Expansion {
  std::optional<std::string> text;
  std::string error;  // names the bad placeholder when text is empty
};

Expansion expand_placeholders(std::string_view text, date::year_month_day day);

// "monday" … "sunday" for a weekday.
std::string weekday_name(date::weekday wd);

}  // namespace onair
