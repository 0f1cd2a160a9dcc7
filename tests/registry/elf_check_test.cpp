// The ELF check the loader runs before dlopen (registry/elf_check.h): real plugin libraries
// pass; truncated files, other machines and byte orders, non-shared objects and corrupted
// program headers are refused with a reason, and the loader reports them as a failed plugin
// without calling dlopen.
#include <elf.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "registry/elf_check.h"
#include "registry/loader.h"
#include "support/ember_test_support.h"
#include "tests/registry/test_plugins.h"

namespace ember_test {
namespace {

namespace test = ember::test;

using Bytes = std::vector<uint8_t>;

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string check(const Bytes& b) { return ember::check_shared_object(b.data(), b.size()); }

Elf64_Ehdr header_of(const Bytes& b) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, b.data(), sizeof eh);
  return eh;
}

// One past the last byte any program header covers: truncating before it breaks a segment.
uint64_t segments_end(const Bytes& b) {
  Elf64_Ehdr eh = header_of(b);
  uint64_t end = eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr p;
    std::memcpy(&p, b.data() + eh.e_phoff + i * sizeof(Elf64_Phdr), sizeof p);
    end = std::max<uint64_t>(end, p.p_offset + p.p_filesz);
  }
  return end;
}

template <typename Field>
Bytes with_header_field(Bytes b, size_t offset, Field value) {
  std::memcpy(b.data() + offset, &value, sizeof value);
  return b;
}

TEST(ElfCheck, RealPluginsPass) {
  for (const char* name : {"init_fails", "no_entry", "fake_cpu"}) {
    Bytes b = read_file(test::test_plugin(name));
    ASSERT_GT(b.size(), sizeof(Elf64_Ehdr)) << name;
    EXPECT_EQ(check(b), "") << name;
  }
  EXPECT_EQ(ember::check_shared_object_file(EMBER_PLUGIN_DIR "/libember_cpu.so"), "");
}

TEST(ElfCheck, EveryTruncationInsideTheSegmentsIsRefused) {
  Bytes b = read_file(test::test_plugin("init_fails"));
  uint64_t end = segments_end(b);
  ASSERT_LE(end, b.size());
  for (uint64_t n = 0; n < end; ++n) {
    std::string why = ember::check_shared_object(b.data(), n);
    ASSERT_NE(why, "") << "truncated to " << n << " bytes of " << end;
  }
  EXPECT_EQ(ember::check_shared_object(b.data(), 0), "the file is empty");
  EXPECT_EQ(ember::check_shared_object(b.data(), 3), "not an ELF file (bad magic number)");
  EXPECT_EQ(ember::check_shared_object(b.data(), 40), "truncated: the file is shorter than an ELF header");
}

TEST(ElfCheck, HeaderFieldsAreChecked) {
  const Bytes b = read_file(test::test_plugin("init_fails"));
  EXPECT_EQ(check(with_header_field<uint8_t>(b, EI_CLASS, ELFCLASS32)), "not a 64-bit ELF file (ELF class 1)");
  EXPECT_EQ(check(with_header_field<uint8_t>(b, EI_DATA, ELFDATA2MSB)), "ELF byte order differs from this machine's");
  EXPECT_EQ(check(with_header_field<uint16_t>(b, offsetof(Elf64_Ehdr, e_type), ET_EXEC)), "not a shared object (ELF type 2)");
  EXPECT_EQ(check(with_header_field<uint16_t>(b, offsetof(Elf64_Ehdr, e_type), ET_REL)), "not a shared object (ELF type 1)");
  EXPECT_NE(check(with_header_field<uint16_t>(b, offsetof(Elf64_Ehdr, e_machine), EM_AARCH64 + EM_X86_64 - header_of(b).e_machine))
                .find("built for another machine"),
            std::string::npos);
  EXPECT_EQ(check(with_header_field<uint16_t>(b, offsetof(Elf64_Ehdr, e_phentsize), 32)),
            "malformed program header table (entry size 32)");
  EXPECT_EQ(check(with_header_field<uint16_t>(b, offsetof(Elf64_Ehdr, e_phnum), 0)),
            "malformed program header table (0 entries)");
  EXPECT_EQ(check(with_header_field<uint64_t>(b, offsetof(Elf64_Ehdr, e_phoff), ~uint64_t{0} - 8)),
            "truncated: the program header table lies past the end of the file");
}

TEST(ElfCheck, ProgramHeaderCorruptionsAreRefused) {
  const Bytes b = read_file(test::test_plugin("init_fails"));
  Elf64_Ehdr eh = header_of(b);
  for (int i = 0; i < eh.e_phnum; ++i) {
    size_t at = eh.e_phoff + i * sizeof(Elf64_Phdr);
    Elf64_Phdr p;
    std::memcpy(&p, b.data() + at, sizeof p);
    if (p.p_type != PT_LOAD && p.p_type != PT_DYNAMIC) continue;
    // Past the end of the file, or an offset so large that offset + size wraps around.
    EXPECT_NE(check(with_header_field<uint64_t>(b, at + offsetof(Elf64_Phdr, p_offset), b.size())), "") << i;
    EXPECT_NE(check(with_header_field<uint64_t>(b, at + offsetof(Elf64_Phdr, p_offset), ~uint64_t{0})), "") << i;
    EXPECT_NE(check(with_header_field<uint64_t>(b, at + offsetof(Elf64_Phdr, p_filesz), ~uint64_t{0})), "") << i;
    if (p.p_type == PT_LOAD) {
      EXPECT_NE(check(with_header_field<uint64_t>(b, at + offsetof(Elf64_Phdr, p_memsz), p.p_filesz / 2)), "") << i;
      EXPECT_NE(check(with_header_field<uint64_t>(b, at + offsetof(Elf64_Phdr, p_align), 3)), "") << i;
      EXPECT_NE(check(with_header_field<uint64_t>(b, at + offsetof(Elf64_Phdr, p_vaddr), ~uint64_t{0} - 16)), "") << i;
    } else {
      EXPECT_NE(check(with_header_field<uint64_t>(b, at + offsetof(Elf64_Phdr, p_vaddr), ~uint64_t{0} - 16)), "") << i;
    }
  }
}

TEST(ElfCheck, TheLoaderRefusesATruncatedPluginWithTheReason) {
  Bytes b = read_file(test::test_plugin("init_fails"));
  std::string path = std::filesystem::temp_directory_path().string() + "/libember_truncated_" +
                     std::to_string(::getpid()) + ".so";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(segments_end(b) / 2));
  }
  ember::PluginSpec spec;
  spec.name = "truncated";
  spec.path = path;
  ember::PluginReport report = ember::load_plugin_library(spec);
  std::filesystem::remove(path);
  EXPECT_EQ(report.status, ember::PluginStatus::Failed);
  EXPECT_EQ(report.reason, "the file is not a shared library this machine can load");
  std::string message = ember::plugin_failure_message(report);
  EXPECT_NE(message.find("elf: truncated: segment"), std::string::npos) << message;
}

}  // namespace
}  // namespace ember_test
