// Linearizes a Graph into a Code (see interpreter.h).
#include <sstream>
#include <unordered_map>

#include "script/api/function.h"
#include "script/runtime/interpreter.h"
#include "script/runtime/script_ops.h"

namespace ember {
namespace script {

class CodeBuilder {
 public:
  CodeBuilder(Code& code, Graph& g) : code_(code), graph_(g) {}

  void build() {
    number_uses(graph_.block(), 0);
    for (Value* in : graph_.inputs()) code_.input_registers_.push_back(reg(in));
    emit_block(graph_.block());
    Instruction ret;
    ret.op = OpCode::Return;
    ret.in_begin = static_cast<uint32_t>(code_.operands_.size());
    for (Value* v : graph_.outputs()) code_.operands_.push_back(operand(v, current_use(v)));
    ret.in_count = static_cast<uint32_t>(graph_.outputs().size());
    code_.instructions_.push_back(ret);
    code_.num_registers_ = next_register_;
  }

 private:
  // Each use gets a position in program order and the loop depth it sits in; a value can be
  // moved out of its register at its last use unless a loop lies between definition and use
  // (the use repeats).
  struct UseInfo {
    size_t position;
    int loop_id;
  };

  void number_uses(Block* b, int loop_id) {
    for (Value* in : b->inputs()) def_loop_[in] = loop_id;
    for (Node* n : b->nodes()) {
      size_t first = n->kind() == prim::CallFunction ? 1 : 0;  // the function constant is not an operand
      for (size_t i = first; i < n->inputs().size(); ++i) record_use(n->input(i), loop_id);
      int inner = n->kind() == prim::Loop ? next_loop_id_++ : loop_id;
      for (Block* nested : n->blocks()) number_uses(nested, inner);
      for (Value* out : n->outputs()) def_loop_[out] = loop_id;
    }
    for (Value* v : b->outputs()) record_use(v, loop_id);
  }
  void record_use(Value* v, int loop_id) {
    UseInfo u{position_++, loop_id};
    last_use_[v] = u;
  }
  // Walks the uses again in the same order while emitting; returns whether this is the last.
  bool current_use(Value* v) {
    size_t pos = emit_position_++;
    auto it = last_use_.find(v);
    return it != last_use_.end() && it->second.position == pos && it->second.loop_id == def_loop_[v];
  }

  int32_t reg(Value* v) {
    auto it = registers_.find(v);
    if (it != registers_.end()) return it->second;
    int32_t r = next_register_++;
    registers_[v] = r;
    return r;
  }

  Operand operand(Value* v, bool last_use) {
    if (v->node()->kind() == prim::Constant && v->type()->kind() != TypeKind::Function) {
      auto it = constant_index_.find(v);
      if (it == constant_index_.end()) {
        std::optional<IValue> c = v->constant();
        code_.constants_.push_back(c ? *c : IValue());
        it = constant_index_.emplace(v, static_cast<int32_t>(code_.constants_.size() - 1)).first;
      }
      return {it->second, true, false};
    }
    return {reg(v), false, last_use};
  }

  Instruction& add(OpCode op, const Node* node, const std::vector<Value*>& inputs, const std::vector<Value*>& outputs) {
    Instruction ins;
    ins.op = op;
    ins.node = node;
    ins.in_begin = static_cast<uint32_t>(code_.operands_.size());
    for (Value* v : inputs) code_.operands_.push_back(operand(v, current_use(v)));
    ins.in_count = static_cast<uint32_t>(inputs.size());
    ins.out_begin = static_cast<uint32_t>(code_.out_registers_.size());
    for (Value* v : outputs) code_.out_registers_.push_back(reg(v));
    ins.out_count = static_cast<uint32_t>(outputs.size());
    code_.instructions_.push_back(ins);
    return code_.instructions_.back();
  }

  size_t here() const { return code_.instructions_.size(); }

  void emit_block(Block* b) {
    for (Node* n : b->nodes()) emit_node(n);
  }

  void emit_node(Node* n) {
    Symbol k = n->kind();
    if (k == prim::Constant) return;  // constants are operands
    if (k == prim::If) return emit_if(n);
    if (k == prim::Loop) return emit_loop(n);
    if (k == prim::CallFunction || k == prim::CallMethod) {
      std::vector<Value*> args = n->inputs();
      if (k == prim::CallFunction) args.erase(args.begin());  // the function constant
      Instruction& ins = add(OpCode::Call, n, args, n->outputs());
      ins.function = n->function();
      EMBER_INTERNAL_ASSERT(ins.function, "call node without a function");
      return;
    }
    if (k == prim::ListConstruct) {
      add(OpCode::ListConstruct, n, n->inputs(), n->outputs()).type = n->output()->type();
      return;
    }
    if (k == prim::TupleConstruct) return void(add(OpCode::TupleConstruct, n, n->inputs(), n->outputs()));
    if (k == prim::DictConstruct) {
      add(OpCode::DictConstruct, n, n->inputs(), n->outputs()).type = n->output()->type();
      return;
    }
    if (k == prim::TupleUnpack) return void(add(OpCode::TupleUnpack, n, n->inputs(), n->outputs()));
    if (k == prim::ListUnpack) return void(add(OpCode::ListUnpack, n, n->inputs(), n->outputs()));
    if (k == prim::TupleIndex) return void(add(OpCode::TupleIndex, n, n->inputs(), n->outputs()));
    if (k == prim::GetAttr || k == prim::SetAttr) {
      const TypePtr& t = n->input(0)->type();
      EMBER_INTERNAL_ASSERT(t->kind() == TypeKind::Class, "attribute access on a ", t->str());
      std::optional<size_t> slot = static_cast<const ClassType*>(t.get())->find_attribute(n->s(attr::name));
      EMBER_INTERNAL_ASSERT(slot, "no attribute ", n->s(attr::name), " on ", t->str());
      add(k == prim::GetAttr ? OpCode::GetAttr : OpCode::SetAttr, n, n->inputs(), n->outputs()).slot =
          static_cast<int64_t>(*slot);
      return;
    }
    if (k == prim::CreateObject) {
      add(OpCode::CreateObject, n, {}, n->outputs()).type = n->output()->type();
      return;
    }
    if (k == prim::Print) return void(add(OpCode::Print, n, n->inputs(), {}));
    if (k == prim::RaiseException) return void(add(OpCode::Raise, n, n->inputs(), {}));
    if (k == prim::isinstance) return void(add(OpCode::IsInstance, n, n->inputs(), n->outputs()));
    if (k == prim::Uninitialized) return void(add(OpCode::Uninitialized, n, {}, n->outputs()));
    if (k == prim::unchecked_cast) return void(add(OpCode::Assign, n, n->inputs(), n->outputs()));
    const OperatorHandle* op = n->op();
    if (!op) {  // a node read from IR text: find its operator now
      EMBER_CHECK(false, NotImplementedError, "[script interpreter] no implementation for node ", k.qual_string());
    }
    Instruction& ins = add(OpCode::Op, n, n->inputs(), n->outputs());
    ins.op_entry = op->entry();
    ins.direct = direct_script_kernel(op->entry());
    ins.vararg = op->schema().is_vararg();
  }

  void emit_if(Node* n) {
    size_t jf = here();
    add(OpCode::JumpIfFalse, n, {n->input()}, {});
    emit_block(n->blocks()[0]);
    add(OpCode::Assign, n, n->blocks()[0]->outputs(), n->outputs());
    size_t jmp = here();
    add(OpCode::Jump, n, {}, {});
    code_.instructions_[jf].target = static_cast<int32_t>(here());
    emit_block(n->blocks()[1]);
    add(OpCode::Assign, n, n->blocks()[1]->outputs(), n->outputs());
    code_.instructions_[jmp].target = static_cast<int32_t>(here());
  }

  void emit_loop(Node* n) {
    Block* body = n->blocks()[0];
    int32_t hidden = next_register_;
    next_register_ += 3;  // max trip count, iteration, condition
    std::vector<Value*> carried_in(body->inputs().begin() + 1, body->inputs().end());
    add(OpCode::LoopStart, n, n->inputs(), carried_in).target = hidden;
    size_t test = here();
    add(OpCode::LoopTest, n, {}, {body->inputs()[0]}).target = hidden;  // exit target patched below
    emit_block(body);
    Instruction& next = add(OpCode::LoopNext, n, body->outputs(), carried_in);
    next.target = hidden;
    next.slot = static_cast<int64_t>(test);
    code_.instructions_[test].slot = static_cast<int64_t>(here());  // exit
    // The carried registers are dead after the loop: move them into the loop's outputs.
    Instruction out;
    out.op = OpCode::Assign;
    out.node = n;
    out.in_begin = static_cast<uint32_t>(code_.operands_.size());
    for (Value* v : carried_in) code_.operands_.push_back({reg(v), false, true});
    out.in_count = static_cast<uint32_t>(carried_in.size());
    out.out_begin = static_cast<uint32_t>(code_.out_registers_.size());
    for (Value* v : n->outputs()) code_.out_registers_.push_back(reg(v));
    out.out_count = static_cast<uint32_t>(n->outputs().size());
    code_.instructions_.push_back(out);
  }

  Code& code_;
  Graph& graph_;
  std::unordered_map<Value*, int32_t> registers_;
  std::unordered_map<Value*, int32_t> constant_index_;
  std::unordered_map<Value*, UseInfo> last_use_;
  std::unordered_map<Value*, int> def_loop_;
  int32_t next_register_ = 0;
  size_t position_ = 0;
  size_t emit_position_ = 0;
  int next_loop_id_ = 1;
};

Code::Code(std::shared_ptr<Graph> graph, std::string function_name)
    : graph_(std::move(graph)), function_name_(std::move(function_name)) {
  CodeBuilder(*this, *graph_).build();
}

std::string Code::dump() const {
  static const char* names[] = {"OP", "CALL", "JMP", "JF", "ASSIGN", "LOOP_START", "LOOP_TEST", "LOOP_NEXT",
                                "LIST_CONSTRUCT", "TUPLE_CONSTRUCT", "DICT_CONSTRUCT", "TUPLE_UNPACK", "TUPLE_INDEX",
                                "LIST_UNPACK", "GET_ATTR", "SET_ATTR", "CREATE_OBJECT", "PRINT", "RAISE",
                                "ISINSTANCE", "UNINITIALIZED", "RET"};
  std::ostringstream os;
  for (size_t i = 0; i < instructions_.size(); ++i) {
    const Instruction& ins = instructions_[i];
    os << i << ": " << names[static_cast<int>(ins.op)];
    if (ins.op_entry) os << " " << ins.op_entry->name();
    if (ins.function) os << " " << ins.function->qualified_name();
    for (uint32_t k = 0; k < ins.in_count; ++k) {
      const Operand& o = operands_[ins.in_begin + k];
      if (o.constant) os << " c" << o.index;
      else os << (o.move ? " move r" : " r") << o.index;
    }
    if (ins.out_count) os << " ->";
    for (uint32_t k = 0; k < ins.out_count; ++k) os << " r" << out_registers_[ins.out_begin + k];
    if (ins.op == OpCode::Jump || ins.op == OpCode::JumpIfFalse) os << " @" << ins.target;
    if (ins.op == OpCode::LoopTest) os << " exit @" << ins.slot;
    if (ins.op == OpCode::LoopNext) os << " @" << ins.slot;
    os << "\n";
  }
  return os.str();
}

}  // namespace script
}  // namespace ember
