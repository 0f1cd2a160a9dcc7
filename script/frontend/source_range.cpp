// Source and SourceRange (see source_range.h).
#include "script/frontend/source_range.h"

#include <algorithm>
#include <sstream>

namespace ember {
namespace script {

Source::Source(std::string text, std::string filename, size_t starting_line)
    : text_(std::move(text)), filename_(std::move(filename)), starting_line_(starting_line) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

size_t Source::line_index(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<size_t>(it - line_starts_.begin()) - 1;
}

std::string SourceRange::text() const {
  if (!source_) return "";
  const std::string& s = source_->text();
  size_t b = std::min(start_, s.size()), e = std::min(end_, s.size());
  return s.substr(b, e - b);
}

SourceRange SourceRange::merge(const SourceRange& other) const {
  if (!source_) return other;
  if (!other.source_) return *this;
  return SourceRange(source_, std::min(start_, other.start_), std::max(end_, other.end_));
}

std::optional<SourceRange::Location> SourceRange::location() const {
  if (!source_) return std::nullopt;
  size_t offset = std::min(start_, source_->text().size());
  size_t line = source_->line_index(offset);
  return Location{source_->filename(), source_->starting_line() + line, offset - source_->line_start(line)};
}

// Follows PyTorch's print_with_context: whole lines of context around the range, each line of
// the range followed by `~` under its non-blank part, " <--- HERE" after the last one.
void SourceRange::print_with_context(std::ostream& out, size_t context, bool highlight,
                                     const std::string& funcname) const {
  if (!source_) return;
  const std::string& str = source_->text();
  if (end_ - start_ == str.size() && start_ == 0) {  // the whole text: print it as is
    out << str;
    return;
  }
  size_t range_end = std::min(end_, str.size());
  if (start_ > str.size()) return;
  // Lines holding the range.
  size_t begin_line = start_;
  while (begin_line > 0 && str[begin_line - 1] != '\n') --begin_line;
  size_t end_line = range_end;
  while (end_line < str.size() && str[end_line] != '\n') ++end_line;
  // `context` lines before and after.
  size_t begin_context = begin_line;
  for (size_t newlines = 0; begin_context > 0; --begin_context) {
    if (str[begin_context - 1] == '\n') ++newlines;
    if (newlines >= context) break;
  }
  size_t end_context = end_line;
  for (size_t newlines = 0; end_context < str.size(); ++end_context) {
    if (str[end_context] == '\n') ++newlines;
    if (newlines >= context) break;
  }

  if (std::optional<Location> loc = location()) {
    out << "  File \"" << loc->file << "\", line " << loc->line;
    if (!funcname.empty()) out << ", in " << funcname;
    out << "\n";
  }
  out << str.substr(begin_context, start_ - begin_context);
  size_t line_start = start_;
  size_t line_end = range_end;
  if (highlight) {
    line_end = start_;
    while (line_start < range_end) {
      while (line_end < str.size() && str[line_end] != '\n') ++line_end;
      std::string line = str.substr(line_start, line_end - line_start + 1);
      out << line;
      if (line.empty() || line.back() != '\n') out << "\n";
      // Underline from the first non-blank column (or the range start) to the range's end.
      size_t first = line_start;
      while (first > 0 && str[first - 1] != '\n') --first;
      size_t last = line_start;
      while (last < range_end && str[last] != '\n') ++last;
      size_t blank = 0;
      for (size_t i = first; i < last && (str[i] == ' ' || i < start_); ++i) ++blank;
      size_t marked = last - first - blank;
      if (marked > 0) {
        bool more_lines = false;  // does the range continue with visible text on later lines?
        for (size_t i = line_end; i <= range_end && i < str.size(); ++i)
          if (str[i] != '\n' && str[i] != ' ') more_lines = true;
        out << std::string(blank, ' ') << std::string(marked, '~');
        out << (more_lines && line_end != range_end ? "\n" : " <--- HERE\n");
      }
      ++line_end;
      line_start = line_end;
    }
  } else {
    out << str.substr(start_, range_end - start_);
  }
  if (line_end <= str.size()) {
    std::string after = str.substr(line_end, end_context - line_end);
    out << after;
    if (!after.empty() && after.back() != '\n') out << "\n";
  }
}

std::string SourceRange::highlight() const {
  std::ostringstream os;
  print_with_context(os);
  return os.str();
}

}  // namespace script
}  // namespace ember
