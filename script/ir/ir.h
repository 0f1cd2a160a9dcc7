// The script IR: an SSA graph of Nodes in Blocks, as TorchScript's.
//
//   Graph  owns every Node, Value and Block created in it; everything else refers to them by
//          raw pointer, valid until the node is destroyed or the graph dies.
//   Node   has a kind (Symbol), input Values, output Values, nested Blocks (prim::If has two,
//          prim::Loop one), attributes (attr::value of a constant, attr::name of GetAttr, ...),
//          a SourceRange, and for operator calls the resolved operator.
//   Value  is an output of exactly one Node (block inputs are outputs of the block's param
//          node), has a type, a debug name and a list of uses.
//   Block  is a list of Nodes between two sentinels: a prim::Param node whose outputs are the
//          block's inputs and a prim::Return node whose inputs are its outputs.
//
// Debug names follow PyTorch: giving a name that another value holds renames that value to
// `name.N`, which is why inputs print as %x.1. Nodes are created at the graph's insertion point
// (WithInsertPoint). A Graph is built and rewritten by one thread; once compiled it is only
// read (the interpreter copies what it needs), so sharing a finished graph is safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/ivalue.h"
#include "core/jit_type.h"
#include "dispatcher/dispatcher.h"
#include "script/frontend/source_range.h"
#include "script/ir/symbol.h"

namespace ember {
namespace script {

class Graph;
class Node;
class Block;
class Function;

struct Use {
  Node* user;
  size_t offset;  // which input of user
};

class EMBER_API Value {
 public:
  Node* node() const { return node_; }
  size_t offset() const { return offset_; }
  size_t unique() const { return unique_; }
  const TypePtr& type() const { return type_; }
  Value* set_type(TypePtr type) {
    type_ = std::move(type);
    return this;
  }
  const std::vector<Use>& uses() const { return uses_; }
  bool has_debug_name() const { return !debug_name_.empty(); }
  const std::string& debug_name() const { return debug_name_; }
  // The printed name: the debug name, or the unique number.
  std::string display_name() const;
  // Sets the debug name, renaming a value that already holds it to `name.N` (PyTorch's scheme).
  // "" clears it. Names must not be all digits (those are unique numbers).
  Value* set_debug_name(const std::string& name);
  Graph* owning_graph() const;

  void replace_all_uses_with(Value* other);
  // The constant's value when this is the output of prim::Constant.
  std::optional<IValue> constant() const;

 private:
  friend class Node;
  friend class Graph;
  Value(Node* node, size_t offset, size_t unique) : node_(node), offset_(offset), unique_(unique) {}
  Node* node_;
  size_t offset_;
  size_t unique_;
  std::string debug_name_;
  TypePtr type_ = Type::tensor();
  std::vector<Use> uses_;
};

// An attribute value (the kinds PyTorch's IR prints).
struct Attribute {
  enum class Kind : uint8_t { Int, Float, String, IValue, Type, Ints, Floats, Strings, Types, Graph } kind;
  int64_t i = 0;
  double f = 0;
  std::string s;
  IValue ival;
  TypePtr type;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strings;
  std::vector<TypePtr> types;
  std::shared_ptr<Graph> graph;
};

class EMBER_API Node {
 public:
  Symbol kind() const { return kind_; }
  Graph* owning_graph() const { return graph_; }
  Block* owning_block() const { return owning_block_; }
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  Value* input(size_t i = 0) const { return inputs_.at(i); }
  Value* output(size_t i = 0) const { return outputs_.at(i); }
  const std::vector<Block*>& blocks() const { return blocks_; }
  Node* next() const { return next_; }
  Node* prev() const { return prev_; }

  const SourceRange& range() const { return range_; }
  Node* set_range(const SourceRange& r) {
    range_ = r;
    return this;
  }

  Value* add_input(Value* v);
  Value* insert_input(size_t i, Value* v);
  void replace_input(size_t i, Value* v);
  void replace_input_with(Value* from, Value* to);  // every occurrence
  void remove_input(size_t i);
  void remove_all_inputs();
  Value* add_output();
  Value* insert_output(size_t i);
  void erase_output(size_t i);  // the output must have no uses
  Block* add_block();
  void erase_block(size_t i);

  // Position in a block.
  Node* insert_before(Node* n);  // puts this (not yet in a block) before n
  Node* insert_after(Node* n);
  void move_before(Node* n);
  void move_after(Node* n);
  // Removes the node from its block and frees it; its outputs must be unused.
  void destroy();
  bool is_before(const Node* n) const;  // same block only

  // Attributes.
  bool has_attribute(Symbol name) const;
  const Attribute& attribute(Symbol name) const;  // InternalError when absent
  Node* set_attribute(Symbol name, Attribute a);
  const std::vector<std::pair<Symbol, Attribute>>& attributes() const { return attributes_; }
  int64_t i(Symbol name) const { return attribute(name).i; }
  double f(Symbol name) const { return attribute(name).f; }
  const std::string& s(Symbol name) const { return attribute(name).s; }
  const IValue& ival(Symbol name) const { return attribute(name).ival; }
  const TypePtr& ty(Symbol name) const { return attribute(name).type; }
  Node* i_(Symbol name, int64_t v);
  Node* f_(Symbol name, double v);
  Node* s_(Symbol name, std::string v);
  Node* ival_(Symbol name, IValue v);
  Node* ty_(Symbol name, TypePtr v);
  Node* tys_(Symbol name, std::vector<TypePtr> v);
  Node* g_(Symbol name, std::shared_ptr<Graph> g);
  void copy_attributes(const Node& from);

  // The operator a call node runs (aten:: and other registered namespaces).
  const OperatorHandle* op() const { return op_ ? &*op_ : nullptr; }
  void set_op(OperatorHandle op) { op_ = op; }
  // The script function prim::CallFunction calls.
  Function* function() const { return function_; }
  void set_function(Function* f) { function_ = f; }

  // Whether removing the node (when its outputs are unused) would change behavior.
  bool has_side_effects() const;
  // Whether it writes to one of its inputs (in-place op, list append, setattr).
  bool is_mutating() const;

 private:
  friend class Graph;
  friend class Block;
  Node(Graph* graph, Symbol kind);
  void unlink();
  Value* make_output();
  static void drop_use(Value* v, Node* user, size_t offset);

  Symbol kind_;
  Graph* graph_;
  Block* owning_block_ = nullptr;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Block*> blocks_;
  Node* next_ = nullptr;
  Node* prev_ = nullptr;
  SourceRange range_;
  std::vector<std::pair<Symbol, Attribute>> attributes_;
  std::optional<OperatorHandle> op_;
  Function* function_ = nullptr;
};

class EMBER_API Block {
 public:
  Graph* owning_graph() const { return graph_; }
  Node* owning_node() const { return owning_node_; }
  Node* param_node() const { return param_; }
  Node* return_node() const { return return_; }
  const std::vector<Value*>& inputs() const { return param_->outputs(); }
  const std::vector<Value*>& outputs() const { return return_->inputs(); }

  // Nodes in order (excluding the sentinels). Iteration is safe while the current node is
  // destroyed or moved, if the caller advances first (as PyTorch's).
  class Iterator {
   public:
    explicit Iterator(Node* n, bool reverse = false) : n_(n), reverse_(reverse) {}
    Node* operator*() const { return n_; }
    Iterator& operator++() {
      n_ = reverse_ ? n_->prev() : n_->next();
      return *this;
    }
    bool operator!=(const Iterator& o) const { return n_ != o.n_; }
    bool operator==(const Iterator& o) const { return n_ == o.n_; }

   private:
    Node* n_;
    bool reverse_;
  };
  struct NodeList {
    Node* first;
    Node* sentinel;
    bool reverse;
    Iterator begin() const { return Iterator(first, reverse); }
    Iterator end() const { return Iterator(sentinel, reverse); }
    bool empty() const { return first == sentinel; }
    Node* front() const { return first; }
  };
  NodeList nodes() const { return {param_->next(), return_, false}; }
  NodeList reverse_nodes() const { return {return_->prev(), param_, true}; }
  std::vector<Node*> node_vector() const;

  Value* add_input(const std::string& name = "");
  Value* insert_input(size_t i, const std::string& name = "");
  void erase_input(size_t i);
  size_t register_output(Value* v);
  void insert_output(size_t i, Value* v);
  void erase_output(size_t i);
  void replace_output(size_t i, Value* v);
  // Appends copies of src's inputs, nodes and outputs (names included, as PyTorch's cloneFrom);
  // values defined outside src are mapped through value_map.
  void clone_from(Block* src, const std::function<Value*(Value*)>& value_map);

 private:
  friend class Graph;
  friend class Node;
  Block(Graph* graph, Node* owning_node);
  Graph* graph_;
  Node* owning_node_;
  Node* param_;
  Node* return_;
};

class EMBER_API Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  Block* block() const { return block_; }
  const std::vector<Value*>& inputs() const { return block_->inputs(); }
  const std::vector<Value*>& outputs() const { return block_->outputs(); }
  Value* add_input(const std::string& name = "") { return block_->add_input(name); }
  size_t register_output(Value* v) { return block_->register_output(v); }

  // A new node (not yet in a block) with these inputs and `num_outputs` outputs of type Tensor.
  Node* create(Symbol kind, const std::vector<Value*>& inputs = {}, size_t num_outputs = 1);
  // Inserted at the insertion point.
  Node* insert_node(Node* n);
  // Where insert_node puts nodes: before `n` (the end of a block is its return node).
  void set_insert_point(Node* n) { insert_before_ = n; }
  void set_insert_point(Block* b) { insert_before_ = b->return_node(); }
  Node* insert_point() const { return insert_before_; }

  // prim::Constant of a value (int, float, bool, str, None, Device, int/float/bool lists,
  // Tensor), at the insertion point, with the constant's type.
  Value* insert_constant(const IValue& v, const SourceRange& range = SourceRange());
  Node* create_constant(const IValue& v);
  Node* create_none();
  Node* create_uninitialized(const TypePtr& type);
  Node* create_load(const std::string& name, const TypePtr& type);
  Node* create_store(const std::string& name, Value* v);
  Node* create_list(const TypePtr& element, const std::vector<Value*>& values);
  Node* create_tuple(const std::vector<Value*>& values);
  Node* create_tuple_unpack(Value* tuple);
  Node* create_dict(const TypePtr& key, const TypePtr& value, const std::vector<Value*>& keys,
                    const std::vector<Value*>& values);
  Node* create_get_attr(Value* obj, const std::string& field);
  Node* create_set_attr(Value* obj, const std::string& field, Value* v);
  Value* insert_unchecked_cast(Value* v, const TypePtr& type);
  // A copy of n (attributes, operator, types) with inputs mapped through value_map; blocks are
  // cloned recursively. Not inserted.
  Node* create_clone(Node* n, const std::function<Value*(Value*)>& value_map, bool copy_blocks = true);

  std::string str(bool print_source_locations = true) const;
  std::shared_ptr<Graph> copy() const;
  // Checks the invariants (uses are symmetric, definitions dominate uses); InternalError if not.
  void lint() const;

 private:
  friend class Value;
  friend class Node;
  friend class Block;
  Value* new_value(Node* n, size_t offset);
  void free_node(Node* n);
  void free_value(Value* v);
  void free_block(Block* b);

  Block* block_;
  Node* insert_before_;
  size_t next_unique_ = 0;
  std::unordered_map<std::string, Value*> unique_names_;
  std::unordered_map<std::string, size_t> name_base_suffix_;
  std::unordered_set<Node*> all_nodes_;  // owned
  std::unordered_set<Value*> all_values_;
  std::unordered_set<Block*> all_blocks_;
};

// Sets the insertion point for its lifetime.
class WithInsertPoint {
 public:
  WithInsertPoint(Graph& g, Node* n) : graph_(g), saved_(g.insert_point()) { g.set_insert_point(n); }
  WithInsertPoint(Graph& g, Block* b) : graph_(g), saved_(g.insert_point()) { g.set_insert_point(b); }
  ~WithInsertPoint() { graph_.set_insert_point(saved_); }

 private:
  Graph& graph_;
  Node* saved_;
};

// PyTorch's text form of IR (ir_printer.cpp).
EMBER_API std::ostream& operator<<(std::ostream& out, const Graph& g);
// How IR and `code` print constants: 1, 2.5, 3., 1e+20, "quoted", [1, 2], {2} (a 1-element tensor).
EMBER_API std::string constant_text(const IValue& v);
EMBER_API std::string float_text(double d);
EMBER_API std::string quoted_string(const std::string& s);

}  // namespace script
}  // namespace ember
