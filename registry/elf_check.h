// A structural check of a plugin file before the dynamic loader sees it.
//
// dlopen trusts the ELF structure it maps: a truncated download, a library for another machine
// or a corrupted program header can crash it (inside ld.so, where no catch-all helps) instead of
// failing. The loader therefore checks, on the file's bytes, everything ld.so relies on while
// mapping: the ELF header (64-bit, this machine's byte order and architecture, a shared object),
// the program header table, each loadable segment (inside the file, aligned, in order), the
// dynamic segment (inside a loadable segment, terminated), and every address or string offset the
// dynamic section names (inside a loadable segment / the string table). A file that fails gets a
// one-line reason; the loader reports it as a PluginError and never calls dlopen.
//
// What it does not check: the contents of the symbol, relocation and initializer tables, which
// are the library's code in all but name: loading a shared library runs it, and a library crafted
// to pass these checks can still crash ld.so or its own constructors (docs/RELIABILITY.md).
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ember {

// "" when the bytes are a well-formed shared object for this machine, else what is wrong.
std::string check_shared_object(const uint8_t* data, size_t size);
// The same for a file; unreadable files and files over 4 GiB are reported too.
std::string check_shared_object_file(const std::string& path);

}  // namespace ember
