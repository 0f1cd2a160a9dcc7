// NamedValue: an argument of a call as the compiler collects it: a Value (or a constant not yet
// materialized, such as a schema default) with its source range and keyword name.
#pragma once

#include <optional>
#include <string>

#include "script/ir/ir.h"

namespace ember {
namespace script {

struct NamedValue {
  NamedValue() = default;
  NamedValue(Value* v) : value_(v) {}  // NOLINT
  NamedValue(const SourceRange& loc, Value* v) : loc(loc), value_(v) {}
  NamedValue(const SourceRange& loc, std::string name, Value* v) : loc(loc), name(std::move(name)), value_(v) {}
  static NamedValue constant(IValue c) {
    NamedValue nv;
    nv.constant_ = std::move(c);
    return nv;
  }
  // The Value; a constant is inserted (without a source range) at the insertion point.
  Value* value(Graph& g) const {
    if (!value_) value_ = g.insert_constant(*constant_);
    return value_;
  }
  // The type without materializing a constant.
  TypePtr type() const { return value_ ? value_->type() : type_of(*constant_); }
  bool is_constant() const { return !value_; }

  SourceRange loc;
  std::string name;

 private:
  mutable Value* value_ = nullptr;
  std::optional<IValue> constant_;
};

}  // namespace script
}  // namespace ember
