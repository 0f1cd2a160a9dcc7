// Source text and ranges into it, and the error-context printer every script error uses.
//
// A Source is one piece of program text (a file, or a string given to the compiler) with the
// name and line number it is reported under. A SourceRange is [start, end) byte offsets into a
// Source; AST nodes, IR nodes and errors carry one. print_with_context prints the range the way
// PyTorch's TorchScript does:
//
//     File "<string>", line 3
//   def h(input):
//       return inpu + 1
//              ~~~~ <--- HERE
//
// up to `context` lines before and after, every line of the range underlined with `~` and the
// last one marked ` <--- HERE`. Immutable once built; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/export.h"

namespace ember {
namespace script {

class EMBER_API Source {
 public:
  // starting_line: the line number the text's first line is reported as (1-based).
  Source(std::string text, std::string filename = "<string>", size_t starting_line = 1);
  const std::string& text() const { return text_; }
  const std::string& filename() const { return filename_; }
  size_t starting_line() const { return starting_line_; }
  // 0-based line index of a byte offset within text(), and the offset where that line starts.
  size_t line_index(size_t offset) const;
  size_t line_start(size_t line_index) const { return line_starts_.at(line_index); }

 private:
  std::string text_;
  std::string filename_;
  size_t starting_line_;
  std::vector<size_t> line_starts_;
};

class EMBER_API SourceRange {
 public:
  static constexpr size_t kContext = 3;

  SourceRange() = default;
  SourceRange(std::shared_ptr<const Source> source, size_t start, size_t end)
      : source_(std::move(source)), start_(start), end_(end) {}

  bool valid() const { return source_ != nullptr; }
  const std::shared_ptr<const Source>& source() const { return source_; }
  size_t start() const { return start_; }
  size_t end() const { return end_; }
  std::string text() const;
  // The range covering both (same source).
  SourceRange merge(const SourceRange& other) const;

  // (file, 1-based line, 0-based column) of the start, as IR comments print them.
  struct Location {
    std::string file;
    size_t line;
    size_t column;
  };
  std::optional<Location> location() const;

  // PyTorch's layout (see the file comment); funcname adds ", in <name>" to the File line.
  void print_with_context(std::ostream& out, size_t context = kContext, bool highlight = true,
                          const std::string& funcname = "") const;
  std::string highlight() const;  // print_with_context with the defaults, as a string

 private:
  std::shared_ptr<const Source> source_;
  size_t start_ = 0;
  size_t end_ = 0;
};

}  // namespace script
}  // namespace ember
