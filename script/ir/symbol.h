// Symbol: an interned `namespace::name` naming a node kind (aten::add, prim::If) or an
// attribute (attr::value). The interner is global and append-only; Symbols are one integer,
// cheap to copy and compare. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/export.h"

namespace ember {
namespace script {

class EMBER_API Symbol {
 public:
  Symbol() = default;
  // "aten::add" (a name without "::" gets no namespace; only attributes use that).
  static Symbol from_qual_string(const std::string& qual);
  static Symbol aten(const std::string& name) { return from_qual_string("aten::" + name); }
  static Symbol prim(const std::string& name) { return from_qual_string("prim::" + name); }
  static Symbol attr(const std::string& name) { return from_qual_string("attr::" + name); }

  const std::string& qual_string() const;  // "aten::add"
  std::string ns() const;                  // "aten"
  std::string name() const;                // "add"
  bool valid() const { return id_ != 0; }
  bool is_aten() const { return ns() == "aten"; }
  bool is_prim() const { return ns() == "prim"; }

  uint32_t id() const { return id_; }
  bool operator==(Symbol o) const { return id_ == o.id_; }
  bool operator!=(Symbol o) const { return id_ != o.id_; }
  bool operator<(Symbol o) const { return id_ < o.id_; }

 private:
  explicit Symbol(uint32_t id) : id_(id) {}
  uint32_t id_ = 0;
};

// The node kinds the compiler, interpreter and passes name.
namespace prim {
#define EMBER_PRIM_SYMBOL(n) inline const Symbol n = Symbol::prim(#n);
EMBER_PRIM_SYMBOL(Constant)
EMBER_PRIM_SYMBOL(Param)
EMBER_PRIM_SYMBOL(Return)
EMBER_PRIM_SYMBOL(If)
EMBER_PRIM_SYMBOL(Loop)
EMBER_PRIM_SYMBOL(Load)
EMBER_PRIM_SYMBOL(Store)
EMBER_PRIM_SYMBOL(ReturnStmt)
EMBER_PRIM_SYMBOL(BreakStmt)
EMBER_PRIM_SYMBOL(ContinueStmt)
EMBER_PRIM_SYMBOL(LoopContinuation)
EMBER_PRIM_SYMBOL(ComprehensionScope)
EMBER_PRIM_SYMBOL(Uninitialized)
EMBER_PRIM_SYMBOL(ListConstruct)
EMBER_PRIM_SYMBOL(ListUnpack)
EMBER_PRIM_SYMBOL(TupleConstruct)
EMBER_PRIM_SYMBOL(TupleUnpack)
EMBER_PRIM_SYMBOL(TupleIndex)
EMBER_PRIM_SYMBOL(TupleSlice)
EMBER_PRIM_SYMBOL(DictConstruct)
EMBER_PRIM_SYMBOL(GetAttr)
EMBER_PRIM_SYMBOL(SetAttr)
EMBER_PRIM_SYMBOL(CallMethod)
EMBER_PRIM_SYMBOL(CallFunction)
EMBER_PRIM_SYMBOL(CreateObject)
EMBER_PRIM_SYMBOL(Print)
EMBER_PRIM_SYMBOL(RaiseException)
EMBER_PRIM_SYMBOL(unchecked_cast)
EMBER_PRIM_SYMBOL(isinstance)
EMBER_PRIM_SYMBOL(NumToTensor)
EMBER_PRIM_SYMBOL(TracedFunction)
EMBER_PRIM_SYMBOL(Enter)
EMBER_PRIM_SYMBOL(Exit)
#undef EMBER_PRIM_SYMBOL
}  // namespace prim

namespace attr {
inline const Symbol value = Symbol::attr("value");
inline const Symbol name = Symbol::attr("name");
inline const Symbol types = Symbol::attr("types");
}  // namespace attr

}  // namespace script
}  // namespace ember

template <>
struct std::hash<ember::script::Symbol> {
  size_t operator()(ember::script::Symbol s) const { return std::hash<uint32_t>()(s.id()); }
};
