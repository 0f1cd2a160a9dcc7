// The interpreter's run loop and its error traceback (see interpreter.h).
#include "script/runtime/interpreter.h"

#include <iostream>
#include <mutex>
#include <sstream>

#include "script/api/function.h"
#include "script/runtime/values.h"

namespace ember {
namespace script {

namespace {

// ---- print ----------------------------------------------------------------------------------------

struct PrintSink {
  std::mutex mutex;
  std::function<void(const std::string&)> handler;
};
PrintSink& print_sink() {
  static PrintSink* sink = new PrintSink();
  return *sink;
}

void emit_print(const std::string& text) {
  PrintSink& sink = print_sink();
  std::lock_guard<std::mutex> lock(sink.mutex);
  if (sink.handler) {
    sink.handler(text);
  } else {
    std::cout << text;
    std::cout.flush();
  }
}

// ---- errors ---------------------------------------------------------------------------------------

// An error travelling out through nested interpreter runs, collecting one frame per run.
struct PendingScriptError {
  std::string kind;        // what the last line names: "RuntimeError", "builtins.ValueError"
  std::string ember_kind;  // the ember::Error class to throw: "ValueError", ...
  std::string message;
  std::vector<std::pair<std::string, SourceRange>> frames;  // innermost first
  bool from_raise = false;  // a script raise/assert rather than a failing operator
};

thread_local int tls_interpreter_depth = 0;

[[noreturn]] void throw_final(const PendingScriptError& e) {
  std::ostringstream os;
  os << "The following operation failed in the TorchScript interpreter.\n"
     << "Traceback of TorchScript (most recent call last):\n";
  if (e.from_raise && !e.frames.empty()) {
    // PyTorch 1.13 shows a script exception as one frame: where it was raised, under the name
    // of the outermost function.
    e.frames.front().second.print_with_context(os, SourceRange::kContext, true, e.frames.back().first);
  } else {
    for (auto it = e.frames.rbegin(); it != e.frames.rend(); ++it)
      it->second.print_with_context(os, SourceRange::kContext, true, it->first);
  }
  os << e.kind << ": " << e.message << "\n";
  const std::string text = os.str();
  const std::string& k = e.ember_kind;
  if (k == "ValueError") throw ValueError(text);
  if (k == "TypeError") throw TypeError(text);
  if (k == "IndexError") throw IndexError(text);
  if (k == "NotImplementedError") throw NotImplementedError(text);
  throw RuntimeError(text);
}

std::string ember_kind_of_exception(const std::string& cls) {
  if (cls == "builtins.ValueError") return "ValueError";
  if (cls == "builtins.TypeError") return "TypeError";
  if (cls == "builtins.IndexError" || cls == "builtins.KeyError") return "IndexError";
  if (cls == "builtins.NotImplementedError") return "NotImplementedError";
  return "RuntimeError";
}

struct DepthGuard {
  DepthGuard() { ++tls_interpreter_depth; }
  ~DepthGuard() { --tls_interpreter_depth; }
};

}  // namespace

void set_print_handler(std::function<void(const std::string&)> handler) {
  PrintSink& sink = print_sink();
  std::lock_guard<std::mutex> lock(sink.mutex);
  sink.handler = std::move(handler);
}

void reset_print_handler() { set_print_handler(nullptr); }

void InterpreterState::run(Stack& stack) {
  const Code& c = code_;
  std::vector<IValue> regs(c.num_registers_);
  size_t n_in = c.input_registers_.size();
  EMBER_CHECK(stack.size() >= n_in, TypeError, "[", c.function_name(), "] expected ", n_in, " inputs, got ", stack.size());
  size_t base = stack.size() - n_in;
  for (size_t i = 0; i < n_in; ++i) regs[static_cast<size_t>(c.input_registers_[i])] = std::move(stack[base + i]);
  stack.resize(base);

  const IValue* constants = c.constants_.data();
  const Operand* operands = c.operands_.data();
  const int32_t* outs = c.out_registers_.data();
  auto get = [&](const Operand& o) -> IValue {
    if (o.constant) return constants[o.index];
    if (o.move) return std::move(regs[static_cast<size_t>(o.index)]);
    return regs[static_cast<size_t>(o.index)];
  };
  Stack values;
  values.reserve(8);
  auto gather = [&](const Instruction& ins) {
    values.clear();
    const Operand* o = operands + ins.in_begin;
    for (uint32_t k = 0; k < ins.in_count; ++k, ++o) {  // straight into the stack: no temporaries
      if (o->constant) values.push_back(constants[o->index]);
      else if (o->move) values.push_back(std::move(regs[static_cast<size_t>(o->index)]));
      else values.push_back(regs[static_cast<size_t>(o->index)]);
    }
  };
  auto set_outputs = [&](const Instruction& ins, Stack& from) {
    for (uint32_t k = 0; k < ins.out_count; ++k) regs[static_cast<size_t>(outs[ins.out_begin + k])] = std::move(from[k]);
  };

  DepthGuard depth;
  size_t pc = 0;
  const Instruction* current = nullptr;
  try {
    while (true) {
      const Instruction& ins = c.instructions_[pc];
      current = &ins;
      switch (ins.op) {
        case OpCode::Op: {
          gather(ins);
          if (ins.vararg) values.emplace_back(static_cast<int64_t>(ins.in_count));
          if (ins.direct) ins.direct(values);
          else ins.op_entry->call_boxed(&values);
          EMBER_INTERNAL_ASSERT(values.size() == ins.out_count, ins.op_entry->name(), " returned ", values.size(),
                                " values, the graph expects ", ins.out_count);
          set_outputs(ins, values);
          ++pc;
          break;
        }
        case OpCode::Call: {
          const Code& callee = ins.function->code();
          gather(ins);
          InterpreterState(callee).run(values);
          set_outputs(ins, values);
          ++pc;
          break;
        }
        case OpCode::Jump: pc = static_cast<size_t>(ins.target); break;
        case OpCode::JumpIfFalse:
          pc = get(operands[ins.in_begin]).to_bool() ? pc + 1 : static_cast<size_t>(ins.target);
          break;
        case OpCode::Assign:
          gather(ins);
          set_outputs(ins, values);
          ++pc;
          break;
        case OpCode::LoopStart: {
          gather(ins);
          size_t h = static_cast<size_t>(ins.target);
          regs[h] = std::move(values[0]);
          regs[h + 1] = IValue(int64_t(0));
          regs[h + 2] = std::move(values[1]);
          for (uint32_t k = 0; k < ins.out_count; ++k) regs[static_cast<size_t>(outs[ins.out_begin + k])] = std::move(values[k + 2]);
          ++pc;
          break;
        }
        case OpCode::LoopTest: {
          size_t h = static_cast<size_t>(ins.target);
          int64_t iter = regs[h + 1].to_int();
          if (regs[h + 2].to_bool() && iter < regs[h].to_int()) {
            regs[static_cast<size_t>(outs[ins.out_begin])] = IValue(iter);
            ++pc;
          } else {
            pc = static_cast<size_t>(ins.slot);
          }
          break;
        }
        case OpCode::LoopNext: {
          gather(ins);
          size_t h = static_cast<size_t>(ins.target);
          regs[h + 2] = std::move(values[0]);
          for (uint32_t k = 0; k < ins.out_count; ++k) regs[static_cast<size_t>(outs[ins.out_begin + k])] = std::move(values[k + 1]);
          regs[h + 1] = IValue(regs[h + 1].to_int() + 1);
          pc = static_cast<size_t>(ins.slot);
          break;
        }
        case OpCode::ListConstruct: {
          gather(ins);
          std::vector<IValue> items(values.begin(), values.end());
          regs[static_cast<size_t>(outs[ins.out_begin])] = make_list(ins.type->element(), std::move(items));
          ++pc;
          break;
        }
        case OpCode::TupleConstruct: {
          gather(ins);
          regs[static_cast<size_t>(outs[ins.out_begin])] = IValue::tuple(std::vector<IValue>(values.begin(), values.end()));
          ++pc;
          break;
        }
        case OpCode::DictConstruct: {
          gather(ins);
          IValue d = IValue::dict();
          d.to_dict().set_types(ins.type->contained()[0], ins.type->contained()[1]);
          for (size_t k = 0; k + 1 < values.size(); k += 2) d.to_dict().insert_or_assign(values[k], values[k + 1]);
          regs[static_cast<size_t>(outs[ins.out_begin])] = std::move(d);
          ++pc;
          break;
        }
        case OpCode::TupleUnpack: {
          IValue t = get(operands[ins.in_begin]);
          const std::vector<IValue>& items = t.to_tuple();
          EMBER_CHECK(items.size() == ins.out_count, ValueError, "Expected ", ins.out_count, " elements in a tuple but found ",
                      items.size());
          for (uint32_t k = 0; k < ins.out_count; ++k) regs[static_cast<size_t>(outs[ins.out_begin + k])] = items[k];
          ++pc;
          break;
        }
        case OpCode::ListUnpack: {
          IValue l = get(operands[ins.in_begin]);
          EMBER_CHECK(list_size(l) == ins.out_count, ValueError, "Expected ", ins.out_count,
                      " elements in a list but found ", list_size(l));
          for (uint32_t k = 0; k < ins.out_count; ++k) regs[static_cast<size_t>(outs[ins.out_begin + k])] = list_get(l, k);
          ++pc;
          break;
        }
        case OpCode::TupleIndex: {
          gather(ins);
          const std::vector<IValue>& items = values[0].to_tuple();
          size_t i = normalize_index(values[1].to_int(), items.size(), "tuple");
          regs[static_cast<size_t>(outs[ins.out_begin])] = items[i];
          ++pc;
          break;
        }
        case OpCode::GetAttr: {
          IValue obj = get(operands[ins.in_begin]);
          regs[static_cast<size_t>(outs[ins.out_begin])] = obj.to_object().slots()[static_cast<size_t>(ins.slot)];
          ++pc;
          break;
        }
        case OpCode::SetAttr: {
          gather(ins);
          values[0].to_object().slots()[static_cast<size_t>(ins.slot)] = std::move(values[1]);
          ++pc;
          break;
        }
        case OpCode::CreateObject: {
          auto cls = std::const_pointer_cast<ClassType>(std::static_pointer_cast<const ClassType>(ins.type));
          regs[static_cast<size_t>(outs[ins.out_begin])] = IValue::object(cls, cls->attributes().size());
          ++pc;
          break;
        }
        case OpCode::Print: {
          gather(ins);
          std::ostringstream os;
          for (size_t k = 0; k < values.size(); ++k) {
            if (k) os << " ";
            print_value(os, values[k]);
          }
          os << "\n";
          emit_print(os.str());
          ++pc;
          break;
        }
        case OpCode::Raise: {
          gather(ins);
          PendingScriptError e;
          bool has_class = values.size() > 1 && !values[1].is_none();
          e.kind = has_class ? values[1].to_string_ref() : "RuntimeError";
          e.ember_kind = has_class ? ember_kind_of_exception(e.kind) : "RuntimeError";
          e.message = values[0].to_string_ref();
          e.from_raise = true;
          throw e;
        }
        case OpCode::IsInstance: {
          IValue v = get(operands[ins.in_begin]);
          bool result = false;
          for (const TypePtr& t : ins.node->attribute(attr::types).types) result |= value_has_type(v, t);
          regs[static_cast<size_t>(outs[ins.out_begin])] = IValue(result);
          ++pc;
          break;
        }
        case OpCode::Uninitialized:
          regs[static_cast<size_t>(outs[ins.out_begin])] = IValue();
          ++pc;
          break;
        case OpCode::Return: {
          for (uint32_t k = 0; k < ins.in_count; ++k) stack.push_back(get(operands[ins.in_begin + k]));
          return;
        }
      }
    }
  } catch (PendingScriptError& e) {
    e.frames.emplace_back(c.function_name(), current ? current->node->range() : SourceRange());
    if (tls_interpreter_depth == 1) throw_final(e);
    throw;
  } catch (const Error& err) {
    PendingScriptError e;
    e.kind = "RuntimeError";  // what PyTorch's traceback names any failing operator's error
    e.ember_kind = err.kind();
    e.message = err.what();
    e.frames.emplace_back(c.function_name(), current ? current->node->range() : SourceRange());
    if (tls_interpreter_depth == 1) throw_final(e);
    throw e;
  }
}

}  // namespace script
}  // namespace ember
