// State dicts: names and order, load_state_dict's checks (missing / unexpected keys, shape
// mismatches, nothing copied on error), the file format (layout pinned byte by byte), round trips
// of every dtype and of modules, and every damaged-file path: missing, foreign, wrong version,
// truncated at every length, any single byte flipped, trailing bytes.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace nn = ember::nn;

struct SmallImpl : nn::Module {
  SmallImpl() : Module("Small") {
    fc = register_module("fc", nn::Linear(2, 3));
    bn = register_module("bn", nn::BatchNorm2d(3));
    register_buffer("count", ember::zeros({}, kInt64));
  }
  nn::Linear fc{nullptr};
  nn::BatchNorm2d bn{nullptr};
};
EMBER_MODULE(Small);

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "ember_nn_" + std::to_string(::getpid()) + "_" + name;
}

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

TEST(StateDict, NamesAndOrderAsPyTorch) {
  Small m;
  // Per module: parameters, then buffers, then submodules.
  EXPECT_EQ(m->state_dict().keys(),
            (std::vector<std::string>{"count", "fc.weight", "fc.bias", "bn.weight", "bn.bias", "bn.running_mean",
                                      "bn.running_var", "bn.num_batches_tracked"}));
  EXPECT_TRUE(m->state_dict()["fc.weight"].is_same(m->fc->weight));
  nn::Linear no_bias(nn::LinearOptions(2, 2).bias(false));
  EXPECT_EQ(no_bias->state_dict().keys(), std::vector<std::string>{"weight"});
}

TEST(StateDict, LoadCopiesValuesConvertingDtype) {
  Small a, b;
  {
    NoGradGuard g;
    a->fc->bias.fill_(0.5);
    a->bn->running_var.fill_(3);
    a->bn->num_batches_tracked.fill_(7);
  }
  b->to(kFloat64);
  Tensor handle = b->fc->weight;
  auto result = b->load_state_dict(a->state_dict());
  EXPECT_TRUE(result.missing_keys.empty());
  EXPECT_TRUE(result.unexpected_keys.empty());
  EXPECT_TRUE(handle.is_same(b->fc->weight));  // copied into the existing tensors
  EXPECT_EQ(b->fc->weight.scalar_type(), kFloat64);
  EXPECT_TRUE(all_close(b->fc->weight, values(a->fc->weight), Tol{1e-7, 0}));
  EXPECT_TRUE(all_equal(b->fc->bias, {0.5, 0.5, 0.5}));
  EXPECT_TRUE(all_equal(b->bn->running_var, {3, 3, 3}));
  EXPECT_EQ(b->bn->num_batches_tracked.item<int64_t>(), 7);
  EXPECT_TRUE(b->fc->weight.requires_grad());
}

TEST(StateDict, MissingUnexpectedAndMismatchedKeys) {
  Small m;
  StateDict d = m->state_dict();
  StateDict missing("Key");
  for (const auto& item : d)
    if (item.key() != "fc.bias") missing.insert(item.key(), item.value().clone());
  EXPECT_THROW_MSG(m->load_state_dict(missing), ember::ValueError,
                   "Error(s) in loading state_dict for Small:\n\tMissing key(s) in state_dict: \"fc.bias\".");
  auto relaxed = m->load_state_dict(missing, /*strict=*/false);
  EXPECT_EQ(relaxed.missing_keys, std::vector<std::string>{"fc.bias"});

  StateDict extra("Key");
  for (const auto& item : d) extra.insert(item.key(), item.value().clone());
  extra.insert("fc.scale", ember::ones({1}));
  extra.insert("head.weight", ember::ones({1}));
  EXPECT_THROW_MSG(m->load_state_dict(extra), ember::ValueError,
                   "Unexpected key(s) in state_dict: \"fc.scale\", \"head.weight\".");
  EXPECT_EQ(m->load_state_dict(extra, false).unexpected_keys, (std::vector<std::string>{"fc.scale", "head.weight"}));

  // A shape mismatch is an error even when not strict; nothing is copied when loading fails.
  StateDict wrong("Key");
  for (const auto& item : d) wrong.insert(item.key(), ember::zeros_like(item.value()));
  wrong["fc.weight"] = ember::zeros({4, 2});
  std::vector<double> bias_before = values(m->fc->bias);
  EXPECT_THROW_MSG(m->load_state_dict(wrong, false), ember::ValueError,
                   "size mismatch for fc.weight: copying a param with shape [4, 2] from checkpoint, the shape in current "
                   "model is [3, 2].");
  EXPECT_EQ(values(m->fc->bias), bias_before);
  // All problems at once, missing first, as PyTorch's message.
  missing.insert("zzz", ember::ones({1}));
  missing["fc.weight"] = ember::zeros({1});
  try {
    m->load_state_dict(missing);
    ADD_FAILURE() << "expected an error";
  } catch (const ember::ValueError& e) {
    std::string msg = e.what();
    size_t a = msg.find("Missing"), b = msg.find("Unexpected"), c = msg.find("size mismatch");
    EXPECT_TRUE(a != std::string::npos && b != std::string::npos && c != std::string::npos && a < b && b < c) << msg;
  }
}

TEST(StateDictFile, ModuleRoundTrip) {
  std::string path = temp_path("roundtrip.ember");
  Small a, b;
  {
    NoGradGuard g;
    a->bn->running_mean.copy_(make1d({1, 2, 3}));
    a->bn->num_batches_tracked.fill_(11);
  }
  ember::save(a, path);
  EXPECT_NE(values(b->fc->weight), values(a->fc->weight));
  ember::load(b, path);
  for (const auto& item : a->state_dict()) {
    SCOPED_TRACE(item.key());
    Tensor got = b->state_dict()[item.key()];
    EXPECT_EQ(got.scalar_type(), item.value().scalar_type());
    EXPECT_EQ(values(got), values(item.value()));
  }
  StateDict raw = ember::load(path);
  // The archive holds every state-dict entry (and a marker per submodule, as libtorch's archives
  // keep one for submodules that have no tensors).
  for (const auto& key : a->state_dict().keys()) EXPECT_TRUE(raw.contains(key)) << key;
  EXPECT_TRUE(raw["fc.weight"].device().is_cpu());
  EXPECT_FALSE(raw["fc.weight"].requires_grad());
  // Through a shared_ptr as well (strictly, as libtorch's torch::load); load_state_dict with
  // strict=false reports what did not match.
  auto other = std::make_shared<nn::LinearImpl>(2, 3);
  ember::save(other, path);
  ember::load(b->fc.ptr(), path);
  EXPECT_EQ(values(b->fc->weight), values(other->weight));
  auto result = b->fc->load_state_dict(ember::load(path), /*strict=*/false);
  EXPECT_TRUE(result.missing_keys.empty());
  EXPECT_THROW_MSG(ember::load(b, path), ember::ValueError, "No such serialized tensor 'count'");
  std::remove(path.c_str());
}

TEST(StateDictFile, EveryDtypeRoundTrips) {
  std::string path = temp_path("dtypes.ember");
  StateDict d("Key");
  for (ScalarType dt : all_dtypes()) d.insert(std::string("t_") + scalar_type_name(dt), make({1, 0, 1, 1, 0, 1}, {2, 3}, dt));
  d.insert("scalar", ember::scalar_tensor(2.5, kFloat64));
  d.insert("empty", ember::zeros({0, 4}));
  d.insert("strided", make(iota(6), {2, 3}).t());  // saved as its values, row-major
  ember::save(d, path);
  StateDict back = ember::load(path);
  ASSERT_EQ(back.keys(), d.keys());
  for (const auto& item : d) {
    SCOPED_TRACE(item.key());
    EXPECT_EQ(back[item.key()].scalar_type(), item.value().scalar_type());
    EXPECT_EQ(back[item.key()].sizes().vec(), item.value().sizes().vec());
    EXPECT_EQ(values(back[item.key()]), values(item.value()));
  }
  std::remove(path.c_str());
}

TEST(StateDictFile, LayoutIsTheDocumentedOne) {
  std::string path = temp_path("layout.ember");
  StateDict d("Key");
  d.insert("w", make1d({1.5, -2}, kFloat32));
  ember::save(d, path);
  std::vector<unsigned char> bytes = read_bytes(path);
  // magic 8 + version 4 + count 8 + (name_len 4 + "w" 1 + dtype 1 + ndim 4 + size 8 + nbytes 8 + data 8) + crc 4.
  ASSERT_EQ(bytes.size(), 8u + 4 + 8 + 4 + 1 + 1 + 4 + 8 + 8 + 8 + 4);
  EXPECT_EQ(std::memcmp(bytes.data(), "EMBERSD\0", 8), 0);
  EXPECT_EQ(bytes[8], 1);   // version, little-endian
  EXPECT_EQ(bytes[12], 1);  // one entry
  EXPECT_EQ(bytes[20], 1);  // name length
  EXPECT_EQ(bytes[24], 'w');
  EXPECT_EQ(bytes[25], 8);  // Float32's code
  EXPECT_EQ(bytes[26], 1);  // ndim
  EXPECT_EQ(bytes[30], 2);  // size
  EXPECT_EQ(bytes[38], 8);  // nbytes
  float first;
  std::memcpy(&first, bytes.data() + 46, 4);
  EXPECT_EQ(first, 1.5f);
  std::remove(path.c_str());
}

TEST(StateDictFile, MissingForeignAndWrongVersionFiles) {
  std::string path = temp_path("bad.ember");
  EXPECT_THROW_MSG(ember::load(temp_path("does_not_exist.ember")), ember::RuntimeError, "cannot open");
  write_bytes(path, {'E', 'M', 'B', 'E', 'R', 'S', 'X', 0, 1, 0, 0, 0});
  EXPECT_THROW_MSG(ember::load(path), ember::RuntimeError, "not an ember state dict file (bad magic");
  // A zip is read as torch::save's archive (tests/nn/libtorch_archive_test.cpp has the rest).
  write_bytes(path, {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_THROW_MSG(ember::load(path), ember::ValueError, "is not a zip archive");
  write_bytes(path, {});
  EXPECT_THROW_MSG(ember::load(path), ember::RuntimeError, "bad magic");
  std::vector<unsigned char> v2 = {'E', 'M', 'B', 'E', 'R', 'S', 'D', 0, 2, 0, 0, 0};
  v2.resize(40, 0);
  write_bytes(path, v2);
  EXPECT_THROW_MSG(ember::load(path), ember::RuntimeError, "unsupported format version 2");
  EXPECT_THROW_MSG(ember::save(StateDict(), "/nonexistent_dir_for_ember/x.ember"), ember::RuntimeError, "cannot open");
  std::remove(path.c_str());
}

TEST(StateDictFile, TruncatedAtEveryLengthIsAnError) {
  std::string path = temp_path("trunc.ember");
  Small m;
  ember::save(m->state_dict(), path);
  std::vector<unsigned char> bytes = read_bytes(path);
  for (size_t len = 0; len < bytes.size(); ++len) {
    write_bytes(path, std::vector<unsigned char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len)));
    try {
      ember::load(path);
      ADD_FAILURE() << "a file truncated to " << len << " of " << bytes.size() << " bytes loaded";
    } catch (const ember::RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  // A truncated file loaded into a module leaves the module as it was.
  write_bytes(path, std::vector<unsigned char>(bytes.begin(), bytes.begin() + 100));
  std::vector<double> before = values(m->fc->weight);
  EXPECT_THROW_MSG(ember::load(m, path), ember::RuntimeError, "truncated file");
  EXPECT_EQ(values(m->fc->weight), before);
  std::remove(path.c_str());
}

TEST(StateDictFile, AnyFlippedByteOrTrailingBytesIsAnError) {
  std::string path = temp_path("flip.ember");
  nn::Linear fc(2, 2);
  ember::save(fc->state_dict(), path);
  std::vector<unsigned char> bytes = read_bytes(path);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<unsigned char> bad = bytes;
    bad[i] ^= 0x40;
    write_bytes(path, bad);
    EXPECT_THROW(ember::load(path), ember::RuntimeError) << "byte " << i << " flipped";
  }
  std::vector<unsigned char> longer = bytes;
  longer.insert(longer.end() - 4, {1, 2, 3});
  write_bytes(path, longer);
  EXPECT_THROW_MSG(ember::load(path), ember::RuntimeError, "3 unexpected bytes after the last of 2 entries");
  std::vector<unsigned char> data_flip = bytes;
  data_flip[data_flip.size() - 6] ^= 1;  // inside the last tensor's data: only the checksum sees it
  write_bytes(path, data_flip);
  EXPECT_THROW_MSG(ember::load(path), ember::RuntimeError, "checksum mismatch");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ember_test
