// The conformance report as a table and as JUnit XML (see report.h).
#include "tools/conformance/report.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace ember {
namespace conformance {
namespace {

std::string error_text(double e) {
  if (e < 0) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2g", e);
  return buffer;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

}  // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Pass: return "PASS";
    case Outcome::Fail: return "FAIL";
    case Outcome::Skip: return "SKIP";
  }
  return "?";
}

bool Report::all_passed() const { return count(Outcome::Fail) == 0; }

int Report::count(Outcome o) const {
  return static_cast<int>(std::count_if(checks.begin(), checks.end(), [o](const CheckResult& c) { return c.outcome == o; }));
}

void print_report(std::ostream& os, const Report& report, bool verbose) {
  std::string tier;
  size_t name_width = 0, dtype_width = 0;
  for (size_t i = 0; i < report.checks.size(); ++i) {
    const CheckResult& c = report.checks[i];
    if (c.tier != tier) {
      tier = c.tier;
      // Column widths per tier: kernel names are short, device check names long.
      name_width = tier == "kernels" ? 4 : 8;
      dtype_width = 8;
      for (size_t j = i; j < report.checks.size() && report.checks[j].tier == tier; ++j) {
        name_width = std::max(name_width, report.checks[j].name.size() + 2);
        dtype_width = std::max(dtype_width, report.checks[j].dtypes.size() + 2);
      }
      os << "\n" << tier << ":\n";
      if (tier == "kernels") {
        os << "  " << std::left << std::setw(static_cast<int>(name_width)) << "op" << std::setw(static_cast<int>(dtype_width))
           << "dtypes" << std::right << std::setw(6) << "cases" << "  " << std::left << std::setw(8) << "result"
           << std::setw(11) << "max error" << "note\n";
      }
    }
    os << "  " << std::left << std::setw(static_cast<int>(name_width)) << c.name;
    if (tier == "kernels") {
      os << std::setw(static_cast<int>(dtype_width)) << c.dtypes << std::right << std::setw(6) << c.cases << "  " << std::left
         << std::setw(8) << outcome_name(c.outcome) << std::setw(11) << error_text(c.max_error);
    } else {
      os << std::setw(6) << outcome_name(c.outcome);
    }
    os << c.message << "\n";
    if (verbose) {
      for (size_t k = 1; k < c.details.size(); ++k) {
        // Multi-line details (a loader error) stay indented under their row.
        std::string text = c.details[k];
        for (size_t p = text.find('\n'); p != std::string::npos; p = text.find('\n', p + 7)) text.replace(p, 1, "\n      ");
        os << "      " << text << "\n";
      }
    }
  }
  os << "\n" << report.count(Outcome::Pass) << " passed, " << report.count(Outcome::Fail) << " failed, "
     << report.count(Outcome::Skip) << " skipped: plugin " << report.plugin_name << " (" << report.plugin_path << ") "
     << (report.all_passed() ? "CONFORMS" : "DOES NOT CONFORM") << "\n";
}

bool write_junit(const std::string& path, const Report& report, std::string* error) {
  std::ofstream out(path);
  if (!out) {
    if (error) *error = "cannot write " + path;
    return false;
  }
  std::map<std::string, std::vector<const CheckResult*>> by_tier;
  std::vector<std::string> tier_order;
  for (const CheckResult& c : report.checks) {
    if (by_tier.find(c.tier) == by_tier.end()) tier_order.push_back(c.tier);
    by_tier[c.tier].push_back(&c);
  }
  double total_seconds = 0;
  for (const CheckResult& c : report.checks) total_seconds += c.seconds;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ember-conformance " << xml_escape(report.plugin_name) << "\" tests=\"" << report.checks.size()
      << "\" failures=\"" << report.count(Outcome::Fail) << "\" skipped=\"" << report.count(Outcome::Skip) << "\" time=\""
      << total_seconds << "\">\n";
  for (const std::string& tier : tier_order) {
    const auto& checks = by_tier[tier];
    int failures = 0, skipped = 0;
    double seconds = 0;
    for (const CheckResult* c : checks) {
      failures += c->outcome == Outcome::Fail;
      skipped += c->outcome == Outcome::Skip;
      seconds += c->seconds;
    }
    out << "  <testsuite name=\"" << xml_escape(report.plugin_name + "." + tier) << "\" tests=\"" << checks.size()
        << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\"" << seconds << "\">\n";
    for (const CheckResult* c : checks) {
      out << "    <testcase classname=\"" << xml_escape(report.plugin_name + "." + tier) << "\" name=\"" << xml_escape(c->name)
          << "\" time=\"" << c->seconds << "\"";
      if (c->outcome == Outcome::Pass) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      if (c->outcome == Outcome::Skip) {
        out << "      <skipped message=\"" << xml_escape(c->message) << "\"/>\n";
      } else {
        std::ostringstream body;
        for (const std::string& d : c->details) body << d << "\n";
        out << "      <failure message=\"" << xml_escape(c->message) << "\">" << xml_escape(body.str()) << "</failure>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  out.close();
  if (!out) {
    if (error) *error = "failed writing " + path;
    return false;
  }
  return true;
}

}  // namespace conformance
}  // namespace ember
