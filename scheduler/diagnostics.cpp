#include "scheduler/diagnostics.hpp"

#include <algorithm>

namespace onair {

std::string Diagnostic::format() const {
  std::string out = mark.file_name();
  if (mark.line > 0) {
    out += ':' + std::to_string(mark.line) + ':' + std::to_string(std::max(mark.column, 1));
  }
  out += severity == Severity::error ? ": error: " : ": warning: ";
  out += message;
  return out;
}

void Diagnostics::error(const SourceMark& mark, std::string message) {
  items_.push_back({Severity::error, mark, std::move(message)});
  ++errors_;
}

void Diagnostics::warning(const SourceMark& mark, std::string message) {
  items_.push_back({Severity::warning, mark, std::move(message)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const std::string fa = a.mark.file_name(), fb = b.mark.file_name();
    if (fa != fb) return fa < fb;
    if (a.mark.line != b.mark.line) return a.mark.line < b.mark.line;
    return a.mark.column < b.mark.column;
  });
  return out;
}

}  // namespace onair
