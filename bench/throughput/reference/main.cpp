// Plain libtorch C++ training loop: the reference the .NET trainer's throughput
// is compared against (bench/throughput/run.sh). It mirrors the .NET trainer's
// per-step work exactly: randperm per epoch, index_select batches from one
// in-memory tensor, forward (train mode), cross_entropy, zero_grad, backward,
// SGD step, loss.item() once per step.
#include <torch/torch.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// ---------------------------------------------------------------- data (IDX, gzip)
std::vector<uint8_t> read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  bool err = n < 0;
  gzclose(f);
  if (err) throw std::runtime_error("gzread failed on " + path);
  return out;
}

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// Returns images [N,1,28,28] float32 normalized, labels [N] int64.
std::pair<torch::Tensor, torch::Tensor> load_fashion_mnist(const std::string& dir) {
  auto img = read_gz(dir + "/train-images-idx3-ubyte.gz");
  auto lab = read_gz(dir + "/train-labels-idx1-ubyte.gz");
  if (img.size() < 16 || be32(img.data()) != 0x00000803) throw std::runtime_error("bad image IDX header");
  if (lab.size() < 8 || be32(lab.data()) != 0x00000801) throw std::runtime_error("bad label IDX header");
  int64_t n = be32(img.data() + 4), rows = be32(img.data() + 8), cols = be32(img.data() + 12);
  if (int64_t(be32(lab.data() + 4)) != n) throw std::runtime_error("image/label count mismatch");
  if (int64_t(img.size()) != 16 + n * rows * cols || int64_t(lab.size()) != 8 + n)
    throw std::runtime_error("truncated IDX file");

  auto images = torch::from_blob(img.data() + 16, {n, 1, rows, cols}, torch::kUInt8)
                    .to(torch::kFloat32)
                    .div_(255.0)
                    .sub_(0.2860)
                    .div_(0.3530)
                    .contiguous();
  auto labels = torch::from_blob(lab.data() + 8, {n}, torch::kUInt8).to(torch::kInt64);  // .to() copies out of the buffer
  return {images, labels};
}

// ---------------------------------------------------------------- models
torch::nn::Sequential make_mlp(const std::vector<int64_t>& hidden) {
  torch::nn::Sequential net;
  int64_t prev = 28 * 28;
  for (int64_t h : hidden) {
    net->push_back(torch::nn::Linear(prev, h));
    net->push_back(torch::nn::ReLU());
    net->push_back(torch::nn::Dropout(0.2));
    prev = h;
  }
  net->push_back(torch::nn::Linear(prev, 10));
  return net;
}

void conv_block(torch::nn::Sequential& net, int64_t cin, int64_t cout) {
  net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(cin, cout, 3).padding(1)));
  net->push_back(torch::nn::BatchNorm2d(cout));
  net->push_back(torch::nn::ReLU());
  net->push_back(torch::nn::MaxPool2d(2));
}

torch::nn::Sequential make_cnn() {  // conv32-conv64-fc128
  torch::nn::Sequential net;
  conv_block(net, 1, 32);
  conv_block(net, 32, 64);
  net->push_back(torch::nn::Flatten());
  net->push_back(torch::nn::Linear(64 * 7 * 7, 128));
  net->push_back(torch::nn::ReLU());
  net->push_back(torch::nn::Dropout(0.3));
  net->push_back(torch::nn::Linear(128, 10));
  return net;
}

// ---------------------------------------------------------------- args
struct Args {
  std::string model = "mlp";
  int threads = 2, epochs = 1;
  int64_t batch_size = 128;
  double lr = 0.05;
  uint64_t seed = 1;
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::vector<int64_t> hidden = {1200, 1200};
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (i + 1 >= argc) throw std::runtime_error("missing value for " + k);
    std::string v = argv[++i];
    if (k == "--model") a.model = v;
    else if (k == "--threads") a.threads = std::stoi(v);
    else if (k == "--epochs") a.epochs = std::stoi(v);
    else if (k == "--batch-size") a.batch_size = std::stoll(v);
    else if (k == "--lr") a.lr = std::stod(v);
    else if (k == "--seed") a.seed = std::stoull(v);
    else if (k == "--data") a.data = v;
    else if (k == "--hidden") {
      a.hidden.clear();
      std::stringstream ss(v);
      for (std::string t; std::getline(ss, t, ',');) a.hidden.push_back(std::stoll(t));
    } else throw std::runtime_error("unknown argument " + k);
  }
  if (a.model != "mlp" && a.model != "cnn") throw std::runtime_error("--model must be mlp or cnn");
  return a;
}

}  // namespace

int main(int argc, char** argv) try {
  Args args = parse_args(argc, argv);
  torch::manual_seed(args.seed);
  at::set_num_threads(args.threads);

  auto [images, labels] = load_fashion_mnist(args.data);
  const bool mlp = args.model == "mlp";
  if (mlp) images = images.view({images.size(0), 28 * 28});
  const int64_t n = images.size(0), bs = args.batch_size;

  torch::nn::Sequential net = mlp ? make_mlp(args.hidden) : make_cnn();
  torch::optim::SGD opt(net->parameters(),
                        torch::optim::SGDOptions(args.lr).momentum(0.9).weight_decay(5e-4).nesterov(false));
  std::fprintf(stderr, "model=%s threads=%d (at::get_num_threads=%d) samples=%lld\n", args.model.c_str(),
               args.threads, at::get_num_threads(), (long long)n);

  for (int epoch = 1; epoch <= args.epochs; ++epoch) {
    net->train();
    double loss_sum = 0;
    int64_t steps = 0;
    auto t0 = std::chrono::steady_clock::now();

    auto perm = torch::randperm(n);
    for (int64_t i = 0; i < n; i += bs) {  // last partial batch kept
      auto idx = perm.slice(0, i, std::min(i + bs, n));
      auto x = images.index_select(0, idx);
      auto y = labels.index_select(0, idx);
      auto loss = torch::nn::functional::cross_entropy(net->forward(x), y);
      opt.zero_grad();
      loss.backward();
      opt.step();
      loss_sum += loss.item<float>();
      ++steps;
    }

    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"epoch\":%d,\"loss\":%.6f,\"samples_per_second\":%.2f}\n", epoch, loss_sum / steps, n / secs);
    std::fflush(stdout);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "throughput_reference: %s\n", e.what());
  return 1;
}
