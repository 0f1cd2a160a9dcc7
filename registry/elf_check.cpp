// The structural ELF check of plugin files (see elf_check.h). Every read is bounds-checked and
// every sum overflow-checked: the input is arbitrary bytes.
#include "registry/elf_check.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace ember {
namespace {

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
#elif defined(__powerpc64__)
constexpr uint16_t kHostMachine = EM_PPC64;
#elif defined(__riscv)
constexpr uint16_t kHostMachine = EM_RISCV;
#else
#error "elf_check: add this machine's EM_* constant"
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2LSB;
#else
constexpr unsigned char kHostData = ELFDATA2MSB;
#endif

// Past this many program headers or dynamic entries a file is not a plugin anyone built.
constexpr uint64_t kMaxProgramHeaders = 4096;

bool add_fits(uint64_t a, uint64_t b, uint64_t* out) { return !__builtin_add_overflow(a, b, out); }

// [offset, offset + size) lies inside [0, limit).
bool range_inside(uint64_t offset, uint64_t size, uint64_t limit) {
  uint64_t end = 0;
  return add_fits(offset, size, &end) && end <= limit;
}

template <typename T>
T read_at(const uint8_t* data, uint64_t offset) {
  T value;
  std::memcpy(&value, data + offset, sizeof(T));
  return value;
}

struct Checker {
  const uint8_t* data;
  uint64_t size;
  std::vector<Elf64_Phdr> loads;  // PT_LOAD segments, in file order

  // The PT_LOAD whose memory image holds [vaddr, vaddr + len), or null.
  const Elf64_Phdr* load_holding(uint64_t vaddr, uint64_t len) const {
    for (const auto& p : loads) {
      uint64_t end = 0;
      if (vaddr >= p.p_vaddr && add_fits(vaddr, len, &end) && end <= p.p_vaddr + p.p_memsz) return &p;
    }
    return nullptr;
  }

  std::string check_header(Elf64_Ehdr& eh) const {
    if (size < EI_NIDENT || std::memcmp(data, ELFMAG, SELFMAG) != 0) return "not an ELF file (bad magic number)";
    if (data[EI_CLASS] != ELFCLASS64) return "not a 64-bit ELF file (ELF class " + std::to_string(data[EI_CLASS]) + ")";
    if (data[EI_DATA] != kHostData) return "ELF byte order differs from this machine's";
    if (data[EI_VERSION] != EV_CURRENT) return "unknown ELF version " + std::to_string(data[EI_VERSION]);
    if (size < sizeof(Elf64_Ehdr)) return "truncated: the file is shorter than an ELF header";
    eh = read_at<Elf64_Ehdr>(data, 0);
    if (eh.e_type != ET_DYN) return "not a shared object (ELF type " + std::to_string(eh.e_type) + ")";
    if (eh.e_machine != kHostMachine)
      return "built for another machine (ELF machine " + std::to_string(eh.e_machine) + ", this machine is " +
             std::to_string(kHostMachine) + ")";
    if (eh.e_version != EV_CURRENT) return "unknown ELF version " + std::to_string(eh.e_version);
    if (eh.e_ehsize < sizeof(Elf64_Ehdr)) return "malformed ELF header (e_ehsize " + std::to_string(eh.e_ehsize) + ")";
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
      return "malformed program header table (entry size " + std::to_string(eh.e_phentsize) + ")";
    if (eh.e_phnum == 0 || eh.e_phnum == PN_XNUM || eh.e_phnum > kMaxProgramHeaders)
      return "malformed program header table (" + std::to_string(eh.e_phnum) + " entries)";
    if (!range_inside(eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr), size))
      return "truncated: the program header table lies past the end of the file";
    return "";
  }

  std::string check_segment(const Elf64_Phdr& p, size_t index) const {
    std::string which = "segment " + std::to_string(index);
    if (!range_inside(p.p_offset, p.p_filesz, size)) return "truncated: " + which + " lies past the end of the file";
    if (p.p_type != PT_LOAD) return "";
    if (p.p_filesz > p.p_memsz) return "malformed " + which + " (file size exceeds memory size)";
    uint64_t end = 0;
    if (!add_fits(p.p_vaddr, p.p_memsz, &end)) return "malformed " + which + " (address range overflows)";
    if (p.p_align > 1) {
      if ((p.p_align & (p.p_align - 1)) != 0) return "malformed " + which + " (alignment is not a power of two)";
      if (p.p_vaddr % p.p_align != p.p_offset % p.p_align)
        return "malformed " + which + " (address and file offset disagree modulo the alignment)";
    }
    return "";
  }

  std::string check_dynamic(const Elf64_Phdr& dyn) const {
    if (dyn.p_filesz < sizeof(Elf64_Dyn) || dyn.p_filesz % sizeof(Elf64_Dyn) != 0)
      return "malformed dynamic segment (size " + std::to_string(dyn.p_filesz) + ")";
    if (load_holding(dyn.p_vaddr, dyn.p_filesz) == nullptr) return "malformed dynamic segment (not inside a loadable segment)";
    uint64_t strtab = 0, strsz = 0;
    bool has_strtab = false, has_strsz = false, has_symtab = false, terminated = false;
    std::vector<std::pair<int64_t, uint64_t>> addresses, string_offsets;
    for (uint64_t off = dyn.p_offset; off + sizeof(Elf64_Dyn) <= dyn.p_offset + dyn.p_filesz; off += sizeof(Elf64_Dyn)) {
      const Elf64_Dyn d = read_at<Elf64_Dyn>(data, off);
      if (d.d_tag == DT_NULL) {
        terminated = true;
        break;
      }
      switch (d.d_tag) {
        case DT_STRTAB: strtab = d.d_un.d_ptr; has_strtab = true; break;
        case DT_STRSZ: strsz = d.d_un.d_val; has_strsz = true; break;
        case DT_SYMTAB: has_symtab = true; addresses.emplace_back(d.d_tag, d.d_un.d_ptr); break;
        case DT_HASH: case DT_GNU_HASH: case DT_RELA: case DT_REL: case DT_JMPREL: case DT_INIT: case DT_FINI:
        case DT_INIT_ARRAY: case DT_FINI_ARRAY: case DT_PREINIT_ARRAY: case DT_VERSYM: case DT_VERDEF:
        case DT_VERNEED: case DT_PLTGOT:
          addresses.emplace_back(d.d_tag, d.d_un.d_ptr);
          break;
        case DT_NEEDED: case DT_SONAME: case DT_RPATH: case DT_RUNPATH:
          string_offsets.emplace_back(d.d_tag, d.d_un.d_val);
          break;
        default: break;
      }
    }
    if (!terminated) return "malformed dynamic section (no DT_NULL terminator)";
    if (!has_strtab || !has_strsz || !has_symtab) return "malformed dynamic section (no string or symbol table)";
    if (load_holding(strtab, strsz) == nullptr) return "malformed dynamic section (the string table lies outside the loaded image)";
    for (const auto& a : addresses)
      if (load_holding(a.second, 1) == nullptr)
        return "malformed dynamic section (tag " + std::to_string(a.first) + " points outside the loaded image)";
    for (const auto& s : string_offsets)
      if (s.second >= strsz) return "malformed dynamic section (tag " + std::to_string(s.first) + " names a string past the string table)";
    return "";
  }

  std::string run() {
    Elf64_Ehdr eh{};
    std::string error = check_header(eh);
    if (!error.empty()) return error;
    std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
    for (size_t i = 0; i < phdrs.size(); ++i) phdrs[i] = read_at<Elf64_Phdr>(data, eh.e_phoff + i * sizeof(Elf64_Phdr));
    const Elf64_Phdr* dynamic = nullptr;
    for (size_t i = 0; i < phdrs.size(); ++i) {
      error = check_segment(phdrs[i], i);
      if (!error.empty()) return error;
      if (phdrs[i].p_type == PT_LOAD) {
        if (!loads.empty() && phdrs[i].p_vaddr < loads.back().p_vaddr + loads.back().p_memsz)
          return "malformed segment " + std::to_string(i) + " (loadable segments overlap or are out of order)";
        loads.push_back(phdrs[i]);
      } else if (phdrs[i].p_type == PT_DYNAMIC) {
        if (dynamic != nullptr) return "malformed program header table (two dynamic segments)";
        dynamic = &phdrs[i];
      }
    }
    if (loads.empty()) return "malformed program header table (no loadable segment)";
    if (dynamic == nullptr) return "not a dynamically linked shared object (no dynamic segment)";
    for (const auto& p : phdrs) {
      if ((p.p_type == PT_TLS || p.p_type == PT_GNU_RELRO) && p.p_memsz > 0 && load_holding(p.p_vaddr, p.p_memsz) == nullptr)
        return "malformed program header table (a TLS or RELRO segment lies outside the loaded image)";
    }
    return check_dynamic(*dynamic);
  }
};

}  // namespace

std::string check_shared_object(const uint8_t* data, size_t size) {
  if (size == 0) return "the file is empty";
  Checker checker{data, static_cast<uint64_t>(size), {}};
  return checker.run();
}

std::string check_shared_object_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "the file cannot be read";
  in.seekg(0, std::ios::end);
  std::streamoff length = in.tellg();
  if (length < 0) return "the file cannot be read";
  if (length > (std::streamoff{1} << 32)) return "the file is larger than 4 GiB";
  in.seekg(0, std::ios::beg);
  std::vector<uint8_t> bytes(static_cast<size_t>(length));
  if (length > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), length)) return "the file cannot be read";
  return check_shared_object(bytes.data(), bytes.size());
}

}  // namespace ember
