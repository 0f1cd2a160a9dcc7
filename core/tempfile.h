// Temporary files and directories that delete themselves, as libtorch's c10::make_tempfile:
//
//   ember::TempFile file = ember::make_tempfile();   // created (empty) under $TMPDIR or /tmp
//   ember::save(model, file.name);                    // removed when `file` goes out of scope
//
// Names are "<TMPDIR>/<prefix>XXXXXX" made unique by mkstemp / mkdtemp. try_ forms return
// nullopt when creation fails; the others throw RuntimeError naming the errno text.
// Thread-safe: every call creates its own file.
#pragma once

#include <optional>
#include <string>

#include "core/export.h"

namespace ember {

struct EMBER_API TempFile {
  TempFile(std::string name, int fd) : name(std::move(name)), fd(fd) {}
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();  // closes fd and unlinks the file

  std::string name;
  int fd = -1;
};

struct EMBER_API TempDir {
  explicit TempDir(std::string name) : name(std::move(name)) {}
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();  // removes the directory if it is empty

  std::string name;
};

EMBER_API std::optional<TempFile> try_make_tempfile(std::string name_prefix = "ember-file-");
EMBER_API TempFile make_tempfile(std::string name_prefix = "ember-file-");
EMBER_API std::optional<TempDir> try_make_tempdir(std::string name_prefix = "ember-dir-");
EMBER_API TempDir make_tempdir(std::string name_prefix = "ember-dir-");

}  // namespace ember
