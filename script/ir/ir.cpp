// Graph, Node, Value and Block (see ir.h). Printing is in ir_printer.cpp.
#include "script/ir/ir.h"

#include <algorithm>
#include <cctype>

namespace ember {
namespace script {

// ---- Value ----------------------------------------------------------------------------------------

Graph* Value::owning_graph() const { return node_->owning_graph(); }

std::string Value::display_name() const { return has_debug_name() ? debug_name_ : std::to_string(unique_); }

static bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// PyTorch's scheme: the value that already holds `name` is renamed to `base.N`, where N starts
// at the name's own numeric suffix (x.3 -> base x, 3) or 1, and is above every suffix already
// handed out for that base (+1 past the last, as PyTorch does).
Value* Value::set_debug_name(const std::string& name) {
  EMBER_CHECK(!all_digits(name), ValueError, "[script IR] value names may not be integers: ", name);
  Graph* g = owning_graph();
  auto& names = g->unique_names_;
  if (has_debug_name()) {
    names.erase(debug_name_);
    debug_name_.clear();
  }
  if (name.empty()) return this;
  auto holder = names.find(name);
  if (holder != names.end()) {
    size_t suffix = 1;
    std::string base = name;
    size_t dot = name.find_last_of('.');
    if (dot != std::string::npos && dot + 1 < name.size() && all_digits(name.substr(dot + 1))) {
      suffix = std::stoull(name.substr(dot + 1));
      base = name.substr(0, dot);
    }
    auto& suffixes = g->name_base_suffix_;
    auto known = suffixes.find(base);
    if (known != suffixes.end()) suffix = std::max(suffix, known->second + 1);
    std::string replacement;
    do {
      replacement = base + "." + std::to_string(suffix++);
    } while (names.count(replacement) > 0);
    suffixes[base] = suffix;
    holder->second->set_debug_name(replacement);
  }
  names[name] = this;
  debug_name_ = name;
  return this;
}

void Value::replace_all_uses_with(Value* other) {
  EMBER_INTERNAL_ASSERT(other != this, "replacing a value with itself");
  std::vector<Use> uses = uses_;
  for (const Use& u : uses) u.user->replace_input(u.offset, other);
}

std::optional<IValue> Value::constant() const {
  if (node_->kind() != prim::Constant) return std::nullopt;
  if (!node_->has_attribute(attr::value)) return IValue();
  return node_->ival(attr::value);
}

// ---- Node -----------------------------------------------------------------------------------------

Node::Node(Graph* graph, Symbol kind) : kind_(kind), graph_(graph) {}

Value* Node::make_output() { return graph_->new_value(this, outputs_.size()); }

Value* Node::add_input(Value* v) {
  v->uses_.push_back({this, inputs_.size()});
  inputs_.push_back(v);
  return v;
}

Value* Node::insert_input(size_t i, Value* v) {
  for (size_t k = i; k < inputs_.size(); ++k)
    for (Use& u : inputs_[k]->uses_)
      if (u.user == this && u.offset == k) {
        ++u.offset;
        break;
      }
  inputs_.insert(inputs_.begin() + static_cast<std::ptrdiff_t>(i), v);
  v->uses_.push_back({this, i});
  return v;
}

void Node::drop_use(Value* v, Node* user, size_t offset) {
  auto& uses = v->uses_;
  for (auto it = uses.begin(); it != uses.end(); ++it)
    if (it->user == user && it->offset == offset) {
      uses.erase(it);
      return;
    }
  EMBER_INTERNAL_ASSERT(false, "use not found");
}

void Node::replace_input(size_t i, Value* v) {
  Value* old = inputs_.at(i);
  if (old == v) return;
  drop_use(old, this, i);
  inputs_[i] = v;
  v->uses_.push_back({this, i});
}

void Node::replace_input_with(Value* from, Value* to) {
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (inputs_[i] == from) replace_input(i, to);
}

void Node::remove_input(size_t i) {
  drop_use(inputs_.at(i), this, i);
  for (size_t k = i + 1; k < inputs_.size(); ++k)
    for (Use& u : inputs_[k]->uses_)
      if (u.user == this && u.offset == k) {
        --u.offset;
        break;
      }
  inputs_.erase(inputs_.begin() + static_cast<std::ptrdiff_t>(i));
}

void Node::remove_all_inputs() {
  while (!inputs_.empty()) remove_input(inputs_.size() - 1);
}

Value* Node::add_output() {
  Value* v = make_output();
  outputs_.push_back(v);
  return v;
}

Value* Node::insert_output(size_t i) {
  Value* v = graph_->new_value(this, i);
  outputs_.insert(outputs_.begin() + static_cast<std::ptrdiff_t>(i), v);
  for (size_t k = i + 1; k < outputs_.size(); ++k) outputs_[k]->offset_ = k;
  return v;
}

void Node::erase_output(size_t i) {
  Value* v = outputs_.at(i);
  EMBER_INTERNAL_ASSERT(v->uses().empty(), "erasing output %", v->display_name(), " that still has uses");
  outputs_.erase(outputs_.begin() + static_cast<std::ptrdiff_t>(i));
  for (size_t k = i; k < outputs_.size(); ++k) outputs_[k]->offset_ = k;
  graph_->free_value(v);
}

Block* Node::add_block() {
  auto* b = new Block(graph_, this);
  graph_->all_blocks_.insert(b);
  blocks_.push_back(b);
  return b;
}

void Node::erase_block(size_t i) {
  Block* b = blocks_.at(i);
  blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
  graph_->free_block(b);
}

void Node::unlink() {
  if (prev_) prev_->next_ = next_;
  if (next_) next_->prev_ = prev_;
  prev_ = next_ = nullptr;
  owning_block_ = nullptr;
}

Node* Node::insert_before(Node* n) {
  EMBER_INTERNAL_ASSERT(owning_block_ == nullptr && n->owning_block_ != nullptr, "bad insert_before");
  owning_block_ = n->owning_block_;
  prev_ = n->prev_;
  next_ = n;
  if (prev_) prev_->next_ = this;
  n->prev_ = this;
  return this;
}

Node* Node::insert_after(Node* n) {
  EMBER_INTERNAL_ASSERT(n->next_ != nullptr, "inserting after a block's return node");
  return insert_before(n->next_);
}

void Node::move_before(Node* n) {
  unlink();
  insert_before(n);
}

void Node::move_after(Node* n) {
  unlink();
  insert_after(n);
}

void Node::destroy() {
  while (!outputs_.empty()) erase_output(outputs_.size() - 1);
  while (!blocks_.empty()) erase_block(blocks_.size() - 1);
  remove_all_inputs();
  if (owning_block_) unlink();
  graph_->free_node(this);
}

bool Node::is_before(const Node* n) const {
  for (const Node* p = next_; p; p = p->next_)
    if (p == n) return true;
  return false;
}

bool Node::has_attribute(Symbol name) const {
  for (const auto& a : attributes_)
    if (a.first == name) return true;
  return false;
}

const Attribute& Node::attribute(Symbol name) const {
  for (const auto& a : attributes_)
    if (a.first == name) return a.second;
  EMBER_INTERNAL_ASSERT(false, kind_.qual_string(), " has no attribute ", name.qual_string());
}

Node* Node::set_attribute(Symbol name, Attribute a) {
  for (auto& existing : attributes_)
    if (existing.first == name) {
      existing.second = std::move(a);
      return this;
    }
  attributes_.emplace_back(name, std::move(a));
  return this;
}

#define EMBER_ATTR_SETTER(fn, K, field, T)          \
  Node* Node::fn(Symbol name, T v) {                 \
    Attribute a;                                     \
    a.kind = Attribute::Kind::K;                     \
    a.field = std::move(v);                          \
    return set_attribute(name, std::move(a));        \
  }
EMBER_ATTR_SETTER(i_, Int, i, int64_t)
EMBER_ATTR_SETTER(f_, Float, f, double)
EMBER_ATTR_SETTER(s_, String, s, std::string)
EMBER_ATTR_SETTER(ival_, IValue, ival, IValue)
EMBER_ATTR_SETTER(ty_, Type, type, TypePtr)
EMBER_ATTR_SETTER(tys_, Types, types, std::vector<TypePtr>)
EMBER_ATTR_SETTER(g_, Graph, graph, std::shared_ptr<Graph>)
#undef EMBER_ATTR_SETTER

void Node::copy_attributes(const Node& from) { attributes_ = from.attributes_; }

bool Node::is_mutating() const {
  if (kind_ == prim::SetAttr) return true;
  if (op_) return op_->schema().is_mutable();
  return false;
}

bool Node::has_side_effects() const {
  if (kind_ == prim::Print || kind_ == prim::RaiseException || kind_ == prim::SetAttr || kind_ == prim::Store ||
      kind_ == prim::ReturnStmt || kind_ == prim::BreakStmt || kind_ == prim::ContinueStmt ||
      kind_ == prim::LoopContinuation || kind_ == prim::CallFunction || kind_ == prim::CallMethod ||
      kind_ == prim::Enter || kind_ == prim::Exit)
    return true;
  if (kind_ == Symbol::aten("warn")) return true;
  if (is_mutating()) return true;
  for (Block* b : blocks_)
    for (Node* n : b->nodes())
      if (n->has_side_effects()) return true;
  return false;
}

// ---- Block ----------------------------------------------------------------------------------------

Block::Block(Graph* graph, Node* owning_node) : graph_(graph), owning_node_(owning_node) {
  param_ = new Node(graph, prim::Param);
  return_ = new Node(graph, prim::Return);
  graph->all_nodes_.insert(param_);
  graph->all_nodes_.insert(return_);
  param_->owning_block_ = this;
  return_->owning_block_ = this;
  param_->next_ = return_;
  return_->prev_ = param_;
}

std::vector<Node*> Block::node_vector() const {
  std::vector<Node*> out;
  for (Node* n : nodes()) out.push_back(n);
  return out;
}

Value* Block::add_input(const std::string& name) {
  Value* v = param_->add_output();
  if (!name.empty()) v->set_debug_name(name);
  return v;
}

Value* Block::insert_input(size_t i, const std::string& name) {
  Value* v = param_->insert_output(i);
  if (!name.empty()) v->set_debug_name(name);
  return v;
}

void Block::erase_input(size_t i) { param_->erase_output(i); }

size_t Block::register_output(Value* v) {
  return_->add_input(v);
  return return_->inputs().size() - 1;
}

void Block::insert_output(size_t i, Value* v) { return_->insert_input(i, v); }
void Block::erase_output(size_t i) { return_->remove_input(i); }
void Block::replace_output(size_t i, Value* v) { return_->replace_input(i, v); }

// ---- Graph ----------------------------------------------------------------------------------------

Graph::Graph() {
  block_ = new Block(this, nullptr);
  all_blocks_.insert(block_);
  insert_before_ = block_->return_node();
}

Graph::~Graph() {
  for (Node* n : all_nodes_) delete n;
  for (Value* v : all_values_) delete v;
  for (Block* b : all_blocks_) delete b;
}

Value* Graph::new_value(Node* n, size_t offset) {
  auto* v = new Value(n, offset, next_unique_++);
  all_values_.insert(v);
  return v;
}

void Graph::free_value(Value* v) {
  v->set_debug_name("");
  all_values_.erase(v);
  delete v;
}

void Graph::free_node(Node* n) {
  all_nodes_.erase(n);
  delete n;
}

void Graph::free_block(Block* b) {
  // Destroy the block's nodes from the last (uses before definitions), then its sentinels.
  b->return_node()->remove_all_inputs();
  while (b->return_node()->prev() != b->param_node()) b->return_node()->prev()->destroy();
  while (!b->param_node()->outputs().empty()) b->param_node()->erase_output(b->param_node()->outputs().size() - 1);
  free_node(b->param_node());
  free_node(b->return_node());
  all_blocks_.erase(b);
  delete b;
}

Node* Graph::create(Symbol kind, const std::vector<Value*>& inputs, size_t num_outputs) {
  auto* n = new Node(this, kind);
  all_nodes_.insert(n);
  for (Value* v : inputs) n->add_input(v);
  for (size_t i = 0; i < num_outputs; ++i) n->add_output();
  return n;
}

Node* Graph::insert_node(Node* n) { return n->insert_before(insert_before_); }

Node* Graph::create_constant(const IValue& v) {
  Node* n = create(prim::Constant, {}, 1);
  TypePtr type;
  if (v.is_none()) {
    type = Type::none();
  } else {
    n->ival_(attr::value, v);
    type = type_of(v);
  }
  n->output()->set_type(type);
  return n;
}

Value* Graph::insert_constant(const IValue& v, const SourceRange& range) {
  return insert_node(create_constant(v))->set_range(range)->output();
}

Node* Graph::create_none() { return create_constant(IValue()); }

Node* Graph::create_uninitialized(const TypePtr& type) {
  Node* n = create(prim::Uninitialized, {}, 1);
  n->output()->set_type(type);
  return n;
}

Node* Graph::create_load(const std::string& name, const TypePtr& type) {
  Node* n = create(prim::Load, {}, 1);
  n->s_(attr::name, name);
  n->output()->set_type(type);
  return n;
}

Node* Graph::create_store(const std::string& name, Value* v) {
  Node* n = create(prim::Store, {v}, 0);
  n->s_(attr::name, name);
  return n;
}

Node* Graph::create_list(const TypePtr& element, const std::vector<Value*>& values) {
  Node* n = create(prim::ListConstruct, values, 1);
  n->output()->set_type(Type::list(element));
  return n;
}

Node* Graph::create_tuple(const std::vector<Value*>& values) {
  Node* n = create(prim::TupleConstruct, values, 1);
  std::vector<TypePtr> types;
  for (Value* v : values) types.push_back(v->type());
  n->output()->set_type(Type::tuple(std::move(types)));
  return n;
}

Node* Graph::create_tuple_unpack(Value* tuple) {
  const std::vector<TypePtr>& types = tuple->type()->contained();
  Node* n = create(prim::TupleUnpack, {tuple}, 0);
  for (const TypePtr& t : types) n->add_output()->set_type(t);
  return n;
}

Node* Graph::create_dict(const TypePtr& key, const TypePtr& value, const std::vector<Value*>& keys,
                         const std::vector<Value*>& values) {
  Node* n = create(prim::DictConstruct, {}, 1);
  for (size_t i = 0; i < keys.size(); ++i) {
    n->add_input(keys[i]);
    n->add_input(values[i]);
  }
  n->output()->set_type(Type::dict(key, value));
  return n;
}

Node* Graph::create_get_attr(Value* obj, const std::string& field) {
  Node* n = create(prim::GetAttr, {obj}, 1);
  n->s_(attr::name, field);
  const TypePtr& t = obj->type();
  if (t->kind() == TypeKind::Class) {
    const auto* cls = static_cast<const ClassType*>(t.get());
    if (std::optional<size_t> slot = cls->find_attribute(field)) n->output()->set_type(cls->attributes()[*slot].type);
  }
  return n;
}

Node* Graph::create_set_attr(Value* obj, const std::string& field, Value* v) {
  Node* n = create(prim::SetAttr, {obj, v}, 0);
  n->s_(attr::name, field);
  return n;
}

Value* Graph::insert_unchecked_cast(Value* v, const TypePtr& type) {
  Node* n = insert_node(create(prim::unchecked_cast, {v}, 1));
  n->output()->set_type(type);
  return n->output();
}

// As PyTorch's createClone: outputs (with their names) first, then attributes and inputs,
// then the blocks, each cloned with its inputs' and nodes' names in order.
Node* Graph::create_clone(Node* n, const std::function<Value*(Value*)>& value_map, bool copy_blocks) {
  Node* c = create(n->kind(), {}, 0);
  for (Value* out : n->outputs()) {
    Value* o = c->add_output();
    o->set_type(out->type());
    if (out->has_debug_name()) o->set_debug_name(out->debug_name());
  }
  c->copy_attributes(*n);
  if (n->op()) c->set_op(*n->op());
  c->set_function(n->function());
  c->set_range(n->range());
  for (Value* in : n->inputs()) c->add_input(value_map(in));
  if (copy_blocks)
    for (Block* b : n->blocks()) c->add_block()->clone_from(b, value_map);
  return c;
}

void Block::clone_from(Block* src, const std::function<Value*(Value*)>& value_map) {
  std::unordered_map<Value*, Value*> local;
  auto map = [&](Value* v) {
    auto it = local.find(v);
    return it != local.end() ? it->second : value_map(v);
  };
  for (Value* in : src->inputs()) {
    Value* ni = add_input();
    ni->set_type(in->type());
    if (in->has_debug_name()) ni->set_debug_name(in->debug_name());
    local[in] = ni;
  }
  for (Node* inner : src->nodes()) {
    Node* ci = graph_->create_clone(inner, map, true);
    ci->insert_before(return_);
    for (size_t i = 0; i < inner->outputs().size(); ++i) local[inner->output(i)] = ci->output(i);
  }
  for (Value* out : src->outputs()) register_output(map(out));
}

std::shared_ptr<Graph> Graph::copy() const {
  auto g = std::make_shared<Graph>();
  std::unordered_map<Value*, Value*> map;
  for (Value* in : inputs()) {
    Value* ni = g->add_input();
    ni->set_type(in->type());
    if (in->has_debug_name()) ni->set_debug_name(in->debug_name());
    map[in] = ni;
  }
  auto lookup = [&](Value* v) {
    auto it = map.find(v);
    EMBER_INTERNAL_ASSERT(it != map.end(), "copying a graph: value %", v->display_name(), " is not defined");
    return it->second;
  };
  for (Node* n : block_->nodes()) {
    Node* c = g->create_clone(n, lookup, true);
    g->insert_node(c);
    for (size_t i = 0; i < n->outputs().size(); ++i) map[n->output(i)] = c->output(i);
  }
  for (Value* out : outputs()) g->register_output(lookup(out));
  return g;
}

void Graph::lint() const {
  std::unordered_set<const Value*> defined;
  std::function<void(const Block*)> check = [&](const Block* b) {
    for (const Value* in : b->inputs()) defined.insert(in);
    for (const Node* n : b->nodes()) {
      EMBER_INTERNAL_ASSERT(n->owning_block() == b, "node ", n->kind().qual_string(), " has the wrong block");
      for (size_t i = 0; i < n->inputs().size(); ++i) {
        const Value* v = n->inputs()[i];
        EMBER_INTERNAL_ASSERT(defined.count(v), "%", v->display_name(), " is used by ", n->kind().qual_string(),
                              " before it is defined");
        bool found = false;
        for (const Use& u : v->uses()) found |= u.user == n && u.offset == i;
        EMBER_INTERNAL_ASSERT(found, "missing use record for %", v->display_name());
      }
      for (const Block* inner : n->blocks()) check(inner);
      for (const Value* out : n->outputs()) defined.insert(out);
    }
    for (const Value* v : b->outputs())
      EMBER_INTERNAL_ASSERT(defined.count(v), "block output %", v->display_name(), " is not defined");
  };
  check(block_);
}

}  // namespace script
}  // namespace ember
