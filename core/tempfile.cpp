#include "core/tempfile.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace ember {

namespace {
std::vector<char> make_template(const std::string& prefix) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/" + prefix + "XXXXXX";
  return std::vector<char>(path.c_str(), path.c_str() + path.size() + 1);
}
}  // namespace

TempFile::TempFile(TempFile&& other) noexcept : name(std::move(other.name)), fd(other.fd) {
  other.name.clear();
  other.fd = -1;
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    this->~TempFile();
    name = std::move(other.name);
    fd = other.fd;
    other.name.clear();
    other.fd = -1;
  }
  return *this;
}

TempFile::~TempFile() {
  if (fd >= 0) ::close(fd);
  if (!name.empty()) ::unlink(name.c_str());
}

TempDir::TempDir(TempDir&& other) noexcept : name(std::move(other.name)) { other.name.clear(); }

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    this->~TempDir();
    name = std::move(other.name);
    other.name.clear();
  }
  return *this;
}

TempDir::~TempDir() {
  if (!name.empty()) ::rmdir(name.c_str());
}

std::optional<TempFile> try_make_tempfile(std::string name_prefix) {
  std::vector<char> path = make_template(name_prefix);
  int fd = ::mkstemp(path.data());
  if (fd < 0) return std::nullopt;
  return TempFile(std::string(path.data()), fd);
}

TempFile make_tempfile(std::string name_prefix) {
  std::optional<TempFile> file = try_make_tempfile(std::move(name_prefix));
  EMBER_CHECK(file.has_value(), RuntimeError, "[make_tempfile] cannot create a temporary file: ", std::strerror(errno));
  return std::move(*file);
}

std::optional<TempDir> try_make_tempdir(std::string name_prefix) {
  std::vector<char> path = make_template(name_prefix);
  if (::mkdtemp(path.data()) == nullptr) return std::nullopt;
  return TempDir(std::string(path.data()));
}

TempDir make_tempdir(std::string name_prefix) {
  std::optional<TempDir> dir = try_make_tempdir(std::move(name_prefix));
  EMBER_CHECK(dir.has_value(), RuntimeError, "[make_tempdir] cannot create a temporary directory: ", std::strerror(errno));
  return std::move(*dir);
}

}  // namespace ember
