// Helpers for golden tests: the case sources and PyTorch's expected outputs
// (tests/script/golden), and graph text normalized modulo the numbers of unnamed values.
#pragma once

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

namespace ember {
namespace script {
namespace golden {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string golden_dir() { return std::string(EMBER_SOURCE_DIR) + "/tests/script/golden"; }

// The script source of a case: its text up to the driver marker.
inline std::string source_of(const std::string& case_name) {
  std::string text = read_file(golden_dir() + "/cases/" + case_name + ".py");
  size_t marker = text.find("# --- golden driver ---");
  return marker == std::string::npos ? text : text.substr(0, marker);
}

inline std::string expected(const std::string& case_name, const std::string& key) {
  std::string path = golden_dir() + "/expected/" + case_name + "/" + key + ".txt";
  std::ifstream in(path);
  if (!in) return "<missing " + path + ">";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// %12, %7, ... renamed %#0, %#1, ... in order of first appearance; named values stay.
inline std::string normalize_graph(const std::string& graph) {
  static const std::regex number(R"(%(\d+)\b)");
  std::map<std::string, std::string> names;
  std::string out;
  auto begin = std::sregex_iterator(graph.begin(), graph.end(), number);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += graph.substr(last, static_cast<size_t>(it->position()) - last);
    auto found = names.find((*it)[1]);
    if (found == names.end()) found = names.emplace((*it)[1], "%#" + std::to_string(names.size())).first;
    out += found->second;
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + graph.substr(last);
}

}  // namespace golden
}  // namespace script
}  // namespace ember
