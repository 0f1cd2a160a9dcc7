// TorchScript archives: the zip container, the pickles, loading archives that PyTorch 1.13 wrote
// (tests/script/archives, made by generate.py there) and matching its outputs, saving archives
// that load back byte-stably (and in PyTorch: script.pytorch_loads_ember_archives runs the
// ArchiveForPyTorch tests, then tests/script/archives/check_ember_archives.py), and the errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <fstream>
#include <sstream>

#include "ember/ember.h"
#include "script/frontend/error_report.h"
#include "script/serialization/archive.h"
#include "script/serialization/pickle.h"
#include "script/serialization/zip_archive.h"
#include "tests/script/golden_support.h"

namespace ember {
namespace script {
namespace {

std::string archives_dir() { return std::string(EMBER_SOURCE_DIR) + "/tests/script/archives"; }

std::vector<double> values(const Tensor& t) {
  std::vector<double> out;
  Tensor c = t.to(kDouble).contiguous();
  const double* p = c.data_ptr<double>();
  out.assign(p, p + c.numel());
  return out;
}

Tensor from_values(const std::vector<int64_t>& shape, const std::vector<double>& v) {
  Tensor t = ember::empty({static_cast<int64_t>(v.size())}, TensorOptions(kDouble));
  std::memcpy(t.data_ptr(), v.data(), v.size() * sizeof(double));
  return t.to(kFloat).reshape(shape);
}

// One "input AxB: v ..." or "output AxB: v ..." line of an expected file.
struct Line {
  std::string kind;
  std::vector<int64_t> shape;
  std::vector<double> values;
};

std::vector<Line> read_expected(const std::string& path) {
  std::ifstream in(path);
  std::vector<Line> out;
  std::string text;
  while (std::getline(in, text)) {
    Line l;
    std::istringstream ss(text);
    std::string shape;
    ss >> l.kind >> shape;
    shape.pop_back();  // ':'
    std::istringstream dims(shape);
    std::string d;
    while (std::getline(dims, d, 'x')) l.shape.push_back(std::stoll(d));
    double v;
    while (ss >> v) l.values.push_back(v);
    out.push_back(l);
  }
  return out;
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << what << " element " << i;
}

// Runs forward on each input of an expected file and compares with its outputs.
void expect_matches(Module& m, const std::string& expected_path, double tol = 1e-5) {
  std::vector<Line> lines = read_expected(expected_path);
  ASSERT_FALSE(lines.empty()) << expected_path;
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    ASSERT_EQ(lines[i].kind, "input");
    Tensor y = m.forward({from_values(lines[i].shape, lines[i].values)}).to_tensor();
    EXPECT_EQ(y.sizes().vec(), lines[i + 1].shape) << expected_path;
    expect_close(values(y), lines[i + 1].values, tol, expected_path);
  }
}

template <typename E, typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no error>";
}

// ---- zip -----------------------------------------------------------------------------------------

TEST(ZipArchive, WritesAlignedStoredEntriesThatReadBack) {
  ZipWriter w;
  std::string big(1000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  w.add("a/data/0", big);
  w.add("a/version", "3\n");
  w.add("a/empty", "");
  std::string bytes = w.finish();
  ZipReader r(bytes, "<test>");
  EXPECT_EQ(r.names(), (std::vector<std::string>{"a/data/0", "a/version", "a/empty"}));
  EXPECT_EQ(r.read("a/data/0"), big);
  EXPECT_EQ(r.read("a/version"), "3\n");
  EXPECT_EQ(r.read("a/empty"), "");
  // Data starts at a multiple of 64, as PyTorch's writer places it.
  EXPECT_EQ(bytes.find(big) % 64, 0u);
  EXPECT_EQ(bytes.find("3\n") % 64, 0u);
  // The same records give the same bytes.
  ZipWriter w2;
  w2.add("a/data/0", big);
  w2.add("a/version", "3\n");
  w2.add("a/empty", "");
  EXPECT_EQ(w2.finish(), bytes);
  EXPECT_EQ(zip_crc32("123456789"), 0xcbf43926u);  // the standard check value
}

TEST(ZipArchive, ReadsPyTorchsDeflatedCode) {
  ZipReader r = ZipReader::open(archives_dir() + "/scripted.pt");
  std::string code = r.read("scripted/code/__torch__.py");
  EXPECT_EQ(code.compare(0, 23, "class Scripted(Module):"), 0) << code;
  EXPECT_EQ(r.read("scripted/version"), "3\n");
}

TEST(ZipArchive, Errors) {
  EXPECT_NE(error_of<ValueError>([] { ZipReader("not a zip at all, just some text", "<t>"); })
                .find("not a zip archive"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([] { ZipReader("PK", "<t>"); }).find("not a zip archive"), std::string::npos);
  ZipWriter w;
  w.add("a/x", "hello archive");
  std::string bytes = w.finish();
  EXPECT_NE(error_of<ValueError>([&] { ZipReader(bytes, "<t>").read("a/y"); }).find("has no entry 'a/y'"),
            std::string::npos);
  std::string damaged = bytes;
  damaged[damaged.find("hello")] = 'j';
  EXPECT_NE(error_of<ValueError>([&] { ZipReader(damaged, "<t>").read("a/x"); }).find("fails its CRC-32 check"),
            std::string::npos);
  std::string truncated = bytes.substr(0, 40) + bytes.substr(bytes.size() - 22);
  EXPECT_NE(error_of<ValueError>([&] { ZipReader(truncated, "<t>").read("a/x"); }), "<no error>");
  EXPECT_NE(error_of<ValueError>([] {
              ZipWriter w;
              w.add("a", "1");
              w.add("a", "2");
            }).find("written twice"),
            std::string::npos);
  EXPECT_NE(error_of<RuntimeError>([] { ZipReader::open("/nonexistent/x.pt"); }).find("cannot open"), std::string::npos);
  // A directory entry turned into a deflated one that claims ~3.9 GB (found by the archive fuzz
  // target: the reader allocated the claimed size before inflating).
  std::string inflated = bytes;
  size_t central = inflated.find("PK\x01\x02");
  ASSERT_NE(central, std::string::npos);
  inflated[central + 10] = 8;  // method: deflate
  const char huge[4] = {'\x01', '\x00', '\x00', '\xe8'};
  std::memcpy(&inflated[central + 24], huge, 4);  // uncompressed size 0xe8000001
  EXPECT_NE(error_of<ValueError>([&] { ZipReader(inflated, "<t>").read("a/x"); }).find("more than deflate can produce"),
            std::string::npos);
}

// ---- pickle --------------------------------------------------------------------------------------

TEST(Pickle, RoundTripsArchiveValues) {
  Tensor base = ember::tensor({1.0f, 2.0f, 3.0f, 4.0f});
  Tensor view = base.slice(0, 1, 4, 2);  // offset 1, stride 2: shares base's storage
  IValue dict = IValue::dict();
  dict.to_dict().insert_or_assign(IValue("a"), IValue(int64_t{1}));
  IValue v = IValue::tuple({IValue(), IValue(true), IValue(int64_t{3}), IValue(int64_t{-70000}),
                            IValue(int64_t{1} << 40), IValue(2.5), IValue("text"), IValue(std::vector<int64_t>{1, 2}),
                            IValue(std::vector<double>{1.5}), IValue(std::vector<bool>{true, false}), dict,
                            IValue(base), IValue(view), IValue(std::vector<IValue>{IValue("x"), IValue("y")})});
  PickledStorages storages;
  std::string bytes = pickle(v, storages);
  ASSERT_EQ(storages.storages.size(), 1u);  // the view shares the storage
  UnpickleHooks hooks;
  int loads = 0;
  hooks.load_storage = [&](const std::string& key, ScalarType dtype, int64_t numel) {
    ++loads;
    EXPECT_EQ(key, "0");
    EXPECT_EQ(dtype, kFloat);
    EXPECT_EQ(numel, 4);
    return base.clone();
  };
  IValue back = unpickle(bytes, "<test>", hooks);
  EXPECT_EQ(loads, 1);
  const auto& t = back.to_tuple();
  ASSERT_EQ(t.size(), 14u);
  EXPECT_TRUE(t[0].is_none());
  EXPECT_TRUE(t[1].to_bool());
  EXPECT_EQ(t[2].to_int(), 3);
  EXPECT_EQ(t[3].to_int(), -70000);
  EXPECT_EQ(t[4].to_int(), int64_t{1} << 40);
  EXPECT_EQ(t[5].to_double(), 2.5);
  EXPECT_EQ(t[6].to_string_ref(), "text");
  EXPECT_EQ(t[7].to_int_list(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(t[8].to_double_list(), (std::vector<double>{1.5}));
  EXPECT_EQ(t[9].to_bool_list(), (std::vector<bool>{true, false}));
  EXPECT_EQ(t[10].to_dict().find(IValue("a"))->to_int(), 1);
  EXPECT_EQ(values(t[11].to_tensor()), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(values(t[12].to_tensor()), (std::vector<double>{2, 4}));
  EXPECT_EQ(t[12].to_tensor().storage_offset(), 1);
  EXPECT_EQ(t[12].to_tensor().impl()->storage(), t[11].to_tensor().impl()->storage());
  EXPECT_EQ(t[13].to_list().at(1).to_string_ref(), "y");
  // Pickling again gives the same bytes.
  PickledStorages again;
  EXPECT_EQ(pickle(back, again), bytes);
}

TEST(Pickle, Errors) {
  UnpickleHooks none;
  EXPECT_NE(error_of<ValueError>([&] { unpickle(std::string("\x80\x02\xff", 3), "p", none); })
                .find("opcode 0xff at offset 2 is not one TorchScript archives use"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([&] { unpickle(std::string("\x80\x02X\x10\x00\x00\x00" "ab", 9), "p", none); })
                .find("truncated"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([&] { unpickle(std::string("\x80\x02K\x01", 4), "p", none); })
                .find("ends without a STOP"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([&] { unpickle("\x80\x02" "cos\nsystem\n)R.", "p", none); })
                .find("global 'os system'"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([&] { unpickle(std::string("\x80\x02h\x05.", 5), "p", none); })
                .find("memo key 5"),
            std::string::npos);
  // A view reaching past its storage (size 5 over a storage of 4).
  Tensor base = ember::tensor({1.0f, 2.0f, 3.0f, 4.0f});
  PickledStorages storages;
  std::string bytes = pickle(IValue(base), storages);
  size_t size_tuple = bytes.find(std::string("(K\x04t", 4));
  ASSERT_NE(size_tuple, std::string::npos);
  bytes[size_tuple + 2] = '\x05';
  UnpickleHooks hooks;
  hooks.load_storage = [&](const std::string&, ScalarType, int64_t) { return base.clone(); };
  EXPECT_NE(error_of<ValueError>([&] { unpickle(bytes, "p", hooks); }).find("reaches element 4 of a storage of 4"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([] { dtype_of_storage_type("ComplexFloatStorage"); }).find("ComplexFloatStorage"),
            std::string::npos);
}

// ---- loading PyTorch's archives ------------------------------------------------------------------

TEST(ArchiveLoad, ScriptedModuleMatchesPyTorch) {
  Module m = load(archives_dir() + "/scripted.pt");
  EXPECT_EQ(m.type()->name(), "__torch__.Scripted");
  auto params = m.named_parameters();
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].first, "sub.weight");
  EXPECT_TRUE(params[0].second.requires_grad());
  EXPECT_EQ(values(params[0].second), (std::vector<double>{0, 0.25, 0.5, 0.75, 1, 1.25}));
  ASSERT_EQ(m.named_buffers().size(), 1u);
  EXPECT_EQ(m.named_buffers()[0].first, "scale");
  EXPECT_EQ(m.attr("n").to_int(), 3);
  EXPECT_EQ(m.attr("f").to_double(), 0.5);
  EXPECT_EQ(m.attr("name").to_string_ref(), "scripted");
  EXPECT_EQ(m.attr("sizes").to_int_list(), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(m.attr("training").to_bool());
  expect_matches(m, archives_dir() + "/scripted.expected.txt");
}

TEST(ArchiveLoad, TracedResNetBlocksMatchPyTorch) {
  Module m = load(archives_dir() + "/tiny_resnet.pt");
  EXPECT_EQ(m.named_parameters().size(), 17u);  // 5 conv weights, 5 batch norms x 2, fc x 2
  EXPECT_EQ(m.named_buffers().size(), 15u);     // 5 batch norms x (mean, var, num_batches_tracked)
  EXPECT_EQ(m.named_parameters().back().first, "fc.bias");
  expect_matches(m, archives_dir() + "/tiny_resnet.expected.txt");
}

TEST(ArchiveLoad, TraceConstantsMatchPyTorch) {
  Module m = load(archives_dir() + "/with_constant.pt");
  expect_matches(m, archives_dir() + "/with_constant.expected.txt");
}

TEST(ArchiveLoad, DtypeNumbersArePyTorchs) {
  // `torch.to(x, 7)` is float64 in PyTorch's numbering (bfloat16 in ember's).
  Module m = load(archives_dir() + "/dtypes.pt");
  expect_matches(m, archives_dir() + "/dtypes.expected.txt", 0);
  ZipReader saved(save_to_bytes(m, "dtypes"), "<saved>");
  std::string code = saved.read("dtypes/code/__torch__.py");
  EXPECT_NE(code.find("torch.to(x, 7)"), std::string::npos) << code;
  EXPECT_NE(code.find("dtype=3"), std::string::npos) << code;
}

// ---- saving --------------------------------------------------------------------------------------

TEST(ArchiveSave, LoadedArchivesSaveByteStably) {
  for (const char* name : {"scripted", "tiny_resnet", "with_constant", "dtypes"}) {
    Module m = load(archives_dir() + "/" + name + ".pt");
    std::string first = save_to_bytes(m, name);
    Module again = load_from_bytes(first, name);
    expect_matches(again, archives_dir() + "/" + name + ".expected.txt");
    EXPECT_EQ(save_to_bytes(again, name), first) << name;
  }
}

Module built_module() {
  auto unit = std::make_shared<CompilationUnit>();
  Module inner("Affine", unit);
  inner.register_parameter("weight", ember::tensor({{1.0f, -1.0f, 0.5f}, {2.0f, 0.0f, 1.0f}}).requires_grad_());
  inner.register_buffer("bias", ember::tensor({0.25f, -0.5f}));
  inner.define("def forward(self, x):\n    return torch.mm(x, self.weight.t()) + self.bias\n");
  Module outer("Net", unit);
  outer.register_module("affine", inner);
  outer.register_attribute("steps", Type::int_(), IValue(int64_t{2}));
  outer.register_attribute("shift", Type::float_(), IValue(0.5));
  outer.register_attribute("dims", Type::list(Type::int_()), IValue(std::vector<int64_t>{1, 2}));
  outer.define(R"(
def forward(self, x):
    y = self.affine(x)
    for i in range(self.steps):
        if bool(y.sum() > 0):
            y = y - self.shift
        else:
            y = y * 2.0
    return torch.relu(y) + self.offset()

def offset(self) -> float:
    return float(len(self.dims)) / 4.0
)");
  return outer;
}

TEST(ArchiveSave, ModulesBuiltInCppRoundTrip) {
  Module m = built_module();
  Tensor x = ember::tensor({{1.0f, 2.0f, 3.0f}, {-1.0f, 0.0f, 1.0f}});
  std::vector<double> want = values(m.forward({x}).to_tensor());
  std::string bytes = save_to_bytes(m);
  Module back = load_from_bytes(bytes);
  expect_close(values(back.forward({x}).to_tensor()), want, 0, "reloaded");
  EXPECT_EQ(back.named_parameters().at(0).first, "affine.weight");
  EXPECT_TRUE(back.named_parameters().at(0).second.requires_grad());
  EXPECT_EQ(save_to_bytes(back), bytes);
  ZipReader zip(bytes, "<saved>");
  std::string code = zip.read("archive/code/__torch__.py");
  EXPECT_NE(code.find("class Net(Module):\n  __parameters__ = []\n  __buffers__ = []\n"), std::string::npos) << code;
  EXPECT_NE(code.find("  def forward(self: __torch__.Net,\n"), std::string::npos) << code;
  EXPECT_NE(code.find("class Affine(Module):\n  __parameters__ = [\"weight\", ]\n  __buffers__ = [\"bias\", ]\n"),
            std::string::npos)
      << code;
}

// Two module classes built with one name (each Module("Scale") makes a class of its own): in
// the archive the second gets PyTorch's mangled name, so that each name means one class (the
// archive used to hold two `class Scale` in one file, which neither ember nor PyTorch could load).
// The submodules' handles (and their compilation units) die here: the outer module's unit keeps
// theirs alive (their methods were freed under it before, a use-after-free).
Module same_named_classes() {
  Module a("Scale");
  a.register_parameter("factor", ember::tensor({2.0f}));
  a.define("def forward(self, x):\n    return x * self.factor\n");
  Module b("Scale");
  b.register_buffer("offset", ember::tensor({0.5f}));
  b.define("def forward(self, x):\n    return x + self.offset\n");
  Module outer("Pair");
  outer.register_module("first", a);
  outer.register_module("second", b);
  outer.define("def forward(self, x):\n    return self.second(self.first(x))\n");
  return outer;
}

TEST(ArchiveSave, DistinctClassesWithOneNameGetPyTorchsMangledNames) {
  Module m = same_named_classes();
  Tensor x = ember::tensor({1.0f, -3.0f});
  std::string bytes = save_to_bytes(m);
  ZipReader zip(bytes, "<saved>");
  EXPECT_NE(zip.read("archive/code/__torch__.py").find("  second : __torch__.___torch_mangle_0.Scale\n"),
            std::string::npos);
  std::string mangled = zip.read("archive/code/__torch__/___torch_mangle_0.py");
  EXPECT_NE(mangled.find("class Scale(Module):\n  __parameters__ = []\n  __buffers__ = [\"offset\", ]\n"),
            std::string::npos)
      << mangled;
  Module back = load_from_bytes(bytes);
  expect_close(values(back.forward({x}).to_tensor()), {2.5, -5.5}, 0, "reloaded");
  EXPECT_EQ(save_to_bytes(back), bytes);
}

// Archives for check_ember_archives.py: ember's own outputs beside each, in generate.py's format.
TEST(ArchiveForPyTorch, WritesArchivesAndOutputs) {
  std::string dir = std::string(EMBER_BINARY_DIR) + "/script_archives";
  std::filesystem::create_directories(dir);
  auto write = [&](Module m, const std::string& name, const std::vector<Tensor>& inputs) {
    save(m, dir + "/" + name + ".pt");
    std::ofstream out(dir + "/" + name + ".expected.txt");
    auto line = [&](const char* kind, const Tensor& t) {
      std::string shape;
      for (int64_t s : t.sizes()) shape += (shape.empty() ? "" : "x") + std::to_string(s);
      out << kind << " " << shape << ":";
      char buf[40];
      for (double v : values(t)) {
        std::snprintf(buf, sizeof buf, " %.17g", v);
        out << buf;
      }
      out << "\n";
    };
    for (const Tensor& x : inputs) {
      line("input", x);
      line("output", m.forward({x}).to_tensor());
    }
  };
  write(built_module(), "ember_built", {ember::tensor({{1.0f, 2.0f, 3.0f}, {-1.0f, 0.0f, 1.0f}})});
  write(same_named_classes(), "ember_same_named_classes", {ember::tensor({1.0f, -3.0f})});
  for (const char* name : {"scripted", "tiny_resnet", "with_constant", "dtypes"}) {
    std::vector<Line> lines = read_expected(archives_dir() + "/" + name + ".expected.txt");
    std::vector<Tensor> inputs;
    for (size_t i = 0; i < lines.size(); i += 2) inputs.push_back(from_values(lines[i].shape, lines[i].values));
    write(load(archives_dir() + "/" + name + ".pt"), std::string("ember_") + name, inputs);
  }
}

// ---- errors --------------------------------------------------------------------------------------

// scripted.pt's entries, with `edit` applied, as a new archive.
std::string edited(const std::function<void(std::map<std::string, std::string>&)>& edit) {
  ZipReader r = ZipReader::open(archives_dir() + "/scripted.pt");
  std::map<std::string, std::string> entries;
  std::vector<std::string> names = r.names();
  for (const std::string& n : names) entries[n] = r.read(n);
  edit(entries);
  ZipWriter w;
  for (const std::string& n : names)
    if (entries.count(n)) w.add(n, entries[n]);
  for (const auto& [n, data] : entries)
    if (std::find(names.begin(), names.end(), n) == names.end()) w.add(n, data);
  return w.finish();
}

TEST(ArchiveErrors, NamedAndTyped) {
  EXPECT_NE(error_of<ValueError>([] { load_from_bytes("garbage", "bad.pt"); }).find("bad.pt is not a zip archive"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([] {
              load_from_bytes(edited([](auto& e) { e["scripted/version"] = "11\n"; }), "v.pt");
            }).find("v.pt has format version 11; ember reads versions 1 to 10"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([] {
              load_from_bytes(edited([](auto& e) { e.erase("scripted/version"); }), "nv.pt");
            }).find("no version record"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([] {
              load_from_bytes(edited([](auto& e) { e.erase("scripted/data.pkl"); }), "nd.pt");
            }).find("has no data.pkl"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([] {
              load_from_bytes(edited([](auto& e) { e.erase("scripted/data/0"); }), "ns.pt");
            }).find("has no storage record 'scripted/data/0'"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([] {
              load_from_bytes(edited([](auto& e) { e["scripted/data/0"] = "abc"; }), "ss.pt");
            }).find("storage 'scripted/data/0' has 3 bytes"),
            std::string::npos);
  EXPECT_NE(error_of<ValueError>([] {
              load_from_bytes(edited([](auto& e) { e["other/x"] = "1"; }), "two.pt");
            }).find("outside the archive's folder"),
            std::string::npos);
  // An attribute data.pkl sets but the code does not declare.
  EXPECT_NE(error_of<ValueError>([] {
              load_from_bytes(edited([](auto& e) {
                                std::string& code = e["scripted/code/__torch__.py"];
                                code.replace(code.find("  flag : bool\n"), 14, "  flag2 : bool\n");
                                code.replace(code.find("self.flag\n"), 10, "self.flag2\n");
                              }),
                              "decl.pt");
            }).find("__torch__.Scripted declares no attribute 'flag'"),
            std::string::npos);
  // Code that does not compile: the compiler's error, in the archive's file.
  std::string compile_error = error_of<CompileError>([] {
    load_from_bytes(edited([](auto& e) {
                      std::string& code = e["scripted/code/__torch__.py"];
                      code.replace(code.find("torch.mm("), 9, "torch.mmm(");
                    }),
                    "code.pt");
  });
  EXPECT_NE(compile_error.find("code/__torch__.py"), std::string::npos) << compile_error;
  EXPECT_NE(compile_error.find("mmm"), std::string::npos) << compile_error;
  EXPECT_NE(error_of<ValueError>([] { save_to_bytes(built_module(), "a/b"); }).find("without '/'"), std::string::npos);
  EXPECT_NE(error_of<RuntimeError>([] { load("/nonexistent/m.pt"); }).find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace script
}  // namespace ember
