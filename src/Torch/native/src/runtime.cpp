// Process-wide settings: seeds, threads, devices, the CPU generator's state, grad mode.
#include "internal.h"

#include <torch/cuda.h>

std::atomic<int64_t> ens::live_tensors{0};

extern "C" {

int64_t ens_live_tensors(void) { return ens::live_tensors.load(std::memory_order_relaxed); }

const char* ens_torch_version(void) { return TORCH_VERSION; }

void ens_manual_seed(uint64_t seed) { torch::manual_seed(seed); }

int ens_set_num_threads(int n) { ENS_STATUS(at::set_num_threads(n)) }

int ens_get_num_threads(void) { return at::get_num_threads(); }

int ens_cuda_is_available(void) {
  try { return torch::cuda::is_available() ? 1 : 0; } ENS_CATCH(0)
}

int ens_cuda_device_count(void) {
  try { return static_cast<int>(torch::cuda::device_count()); } ENS_CATCH(0)
}

ens_tensor ens_rng_get_state(void) {
  ENS_TENSOR([] {
    at::Generator gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
  }())
}

int ens_rng_set_state(ens_tensor state) {
  ENS_STATUS({
    at::Generator gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(ens::T(state));
  })
}

int ens_is_grad_enabled(void) { return at::GradMode::is_enabled() ? 1 : 0; }

void ens_set_grad_enabled(int enabled) { at::GradMode::set_enabled(enabled != 0); }

}
