#pragma once
// Diagnostics in the `FILE:LINE:COL: error|warning: message` form of the command-line
// contract. A SourceMark names where in which file a value was written.
#include <memory>
#include <string>
#include <vector>

namespace onair {

struct SourceMark {
  std::shared_ptr<const std::string> file;  // shared: thousands of marks, few files
  int line = 0;                             // 1-based; 0 = whole file
  int column = 0;                           // 1-based

  std::string file_name() const { return file ? *file : std::string("<input>"); }
};

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceMark mark;
  std::string message;

  std::string format() const;
};

class Diagnostics {
 public:
  void error(const SourceMark& mark, std::string message);
  void warning(const SourceMark& mark, std::string message);

  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  std::size_t warning_count() const { return items_.size() - errors_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Stable order for printing: by file, line, column, then insertion.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t errors_ = 0;
};

}  // namespace onair
