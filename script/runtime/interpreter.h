// The interpreter: a Graph linearized into instructions over registers (one per IR value),
// run by an InterpreterState.
//
// Every operator node becomes an OP instruction that calls the operator through the boxed
// dispatcher (OperatorEntry::call_boxed): its inputs are pushed on a stack, moved out of their
// registers at their last use (so tensors are freed early), and its results popped into
// registers. prim::If compiles to jumps, prim::Loop to a test/next pair around its body; calls of
// script functions run the callee's Code on the same thread; print, raise, object attributes
// and tuple/list/dict construction are instructions of their own.
//
// A Code is immutable once built and shared by every call (Function caches it); each run has
// its own InterpreterState, so one compiled module runs from many threads at once. Errors are
// rethrown with TorchScript's traceback ("The following operation failed in the TorchScript
// interpreter. ... <Kind>: <message>"), keeping the original ember::Error kind.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "script/ir/ir.h"

namespace ember {
namespace script {

enum class OpCode : uint8_t {
  Op,            // call operator: inputs -> outputs
  Call,          // call a script function: inputs -> output
  Jump,          // pc = target
  JumpIfFalse,   // if !inputs[0]: pc = target
  Assign,        // outputs[i] = inputs[i] (parallel)
  LoopStart,     // hidden[0..2] = (max_trip, 0, cond); outputs = carried inputs
  LoopTest,      // if !(cond && iter < max): pc = target, else outputs[0] = iter
  LoopNext,      // cond = inputs[0]; outputs = inputs[1..] (parallel); iter += 1; pc = target
  ListConstruct, TupleConstruct, DictConstruct, TupleUnpack, TupleIndex, ListUnpack,
  GetAttr, SetAttr, CreateObject, Print, Raise, IsInstance, Uninitialized, Return,
};

struct Operand {
  int32_t index;     // register, or constant table index
  bool constant;
  bool move;         // the last use: move out of the register
};

struct Instruction {
  OpCode op = OpCode::Op;
  uint32_t in_begin = 0, in_count = 0;   // into Code::operands
  uint32_t out_begin = 0, out_count = 0; // into Code::out_registers
  int32_t target = 0;                    // jumps; LoopStart/Test/Next: first hidden register
  int64_t slot = 0;                      // GetAttr/SetAttr: attribute slot; TupleIndex: index
  const OperatorEntry* op_entry = nullptr;
  void (*direct)(Stack&) = nullptr;      // a tensor-free script operator's kernel, called directly
  bool vararg = false;
  Function* function = nullptr;
  TypePtr type;                          // constructed list/dict/object type
  const Node* node = nullptr;            // for tracebacks
};

class EMBER_API Code {
 public:
  Code(std::shared_ptr<Graph> graph, std::string function_name);
  size_t num_registers() const { return num_registers_; }
  size_t num_inputs() const { return input_registers_.size(); }
  const std::string& function_name() const { return function_name_; }
  // One line per instruction, for tests and debugging: "3: OP aten::mul r0 r0 -> r1".
  std::string dump() const;

 private:
  friend class InterpreterState;
  friend class CodeBuilder;
  std::shared_ptr<Graph> graph_;  // keeps the nodes the instructions point to
  std::string function_name_;
  std::vector<Instruction> instructions_;
  std::vector<Operand> operands_;
  std::vector<int32_t> out_registers_;
  std::vector<IValue> constants_;
  std::vector<int32_t> input_registers_;
  size_t num_registers_ = 0;
};

class EMBER_API InterpreterState {
 public:
  explicit InterpreterState(const Code& code) : code_(code) {}
  // Inputs on the stack (as many as the graph has) are replaced by the outputs.
  void run(Stack& stack);

 private:
  const Code& code_;
};

// Where prim::Print writes (default: standard output). Thread-safe; a handler set while
// scripts print takes effect for the following prints.
EMBER_API void set_print_handler(std::function<void(const std::string&)> handler);
EMBER_API void reset_print_handler();

}  // namespace script
}  // namespace ember
