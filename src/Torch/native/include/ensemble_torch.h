/*
 * ensemble_torch: the C ABI that Ensemble.Torch binds to.
 *
 * Conventions (ARCHITECTURE §3):
 *  - No C++ type crosses the boundary. A tensor is an opaque handle (a heap-allocated at::Tensor)
 *    that the caller frees with ens_tensor_free.
 *  - No exception crosses the boundary. Every entry point catches everything and stores the
 *    message in a thread-local slot. Functions returning a handle return NULL on failure; functions
 *    returning int return 0 on success and -1 on failure. ens_last_error() reads the slot.
 *  - dtype codes are c10::ScalarType values (0 uint8, 1 int8, 3 int32, 4 int64, 6 float32,
 *    7 float64, 11 bool); device is (type, index) with type 0 = cpu, 1 = cuda.
 *  - Optional tensor arguments may be NULL.
 */
#ifndef ENSEMBLE_TORCH_H
#define ENSEMBLE_TORCH_H

#include <stdint.h>

#if defined(ENS_BUILDING)
#define ENS_API __attribute__((visibility("default")))
#else
#define ENS_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef void* ens_tensor;

/* errors and runtime */
ENS_API const char* ens_last_error(void);
ENS_API void ens_clear_error(void);
ENS_API int64_t ens_live_tensors(void);
ENS_API const char* ens_torch_version(void);
ENS_API void ens_manual_seed(uint64_t seed);
ENS_API int ens_set_num_threads(int n);
ENS_API int ens_get_num_threads(void);
ENS_API int ens_cuda_is_available(void);
ENS_API int ens_cuda_device_count(void);
ENS_API ens_tensor ens_rng_get_state(void);
ENS_API int ens_rng_set_state(ens_tensor state);
ENS_API int ens_is_grad_enabled(void);
ENS_API void ens_set_grad_enabled(int enabled);

/* creation, data, metadata */
ENS_API void ens_tensor_free(ens_tensor t);
ENS_API ens_tensor ens_from_data(const void* data, const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
ENS_API ens_tensor ens_zeros(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
ENS_API ens_tensor ens_ones(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
ENS_API ens_tensor ens_full(const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index);
ENS_API ens_tensor ens_rand(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
ENS_API ens_tensor ens_randn(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
ENS_API ens_tensor ens_randperm(int64_t n, int dtype, int device_type, int device_index);
ENS_API ens_tensor ens_arange(double start, double end, double step, int dtype, int device_type, int device_index);
ENS_API int ens_copy_to_buffer(ens_tensor t, void* dst, int64_t nbytes);
ENS_API int ens_ndim(ens_tensor t);
ENS_API int64_t ens_size(ens_tensor t, int dim);
ENS_API int64_t ens_numel(ens_tensor t);
ENS_API int ens_dtype(ens_tensor t);
ENS_API int ens_device_type(ens_tensor t);
ENS_API int ens_device_index(ens_tensor t);
ENS_API int ens_item(ens_tensor t, double* out);
ENS_API ens_tensor ens_to(ens_tensor t, int dtype, int device_type, int device_index);
ENS_API ens_tensor ens_clone(ens_tensor t);
ENS_API ens_tensor ens_detach(ens_tensor t);
ENS_API ens_tensor ens_contiguous(ens_tensor t);
ENS_API ens_tensor ens_alias(ens_tensor t);

/* element-wise */
ENS_API ens_tensor ens_neg(ens_tensor a);
ENS_API ens_tensor ens_exp(ens_tensor a);
ENS_API ens_tensor ens_log(ens_tensor a);
ENS_API ens_tensor ens_sqrt(ens_tensor a);
ENS_API ens_tensor ens_abs(ens_tensor a);
ENS_API ens_tensor ens_square(ens_tensor a);
ENS_API ens_tensor ens_relu(ens_tensor a);
ENS_API ens_tensor ens_sigmoid(ens_tensor a);
ENS_API ens_tensor ens_tanh(ens_tensor a);
ENS_API ens_tensor ens_add(ens_tensor a, ens_tensor b, double alpha);
ENS_API ens_tensor ens_sub(ens_tensor a, ens_tensor b);
ENS_API ens_tensor ens_mul(ens_tensor a, ens_tensor b);
ENS_API ens_tensor ens_div(ens_tensor a, ens_tensor b);
ENS_API ens_tensor ens_pow(ens_tensor a, ens_tensor b);
ENS_API ens_tensor ens_maximum(ens_tensor a, ens_tensor b);
ENS_API ens_tensor ens_minimum(ens_tensor a, ens_tensor b);
ENS_API ens_tensor ens_add_scalar(ens_tensor a, double s);
ENS_API ens_tensor ens_mul_scalar(ens_tensor a, double s);
ENS_API ens_tensor ens_div_scalar(ens_tensor a, double s);
ENS_API ens_tensor ens_pow_scalar(ens_tensor a, double exponent);
ENS_API ens_tensor ens_rsub_scalar(ens_tensor a, double s);
ENS_API ens_tensor ens_clamp(ens_tensor a, double min, double max);
/* comparisons: op 0 eq, 1 ne, 2 lt, 3 le, 4 gt, 5 ge; result is bool */
ENS_API ens_tensor ens_compare(ens_tensor a, ens_tensor b, int op);
ENS_API ens_tensor ens_compare_scalar(ens_tensor a, double s, int op);
ENS_API ens_tensor ens_where(ens_tensor cond, ens_tensor a, ens_tensor b);

/* shape */
ENS_API ens_tensor ens_reshape(ens_tensor a, const int64_t* shape, int ndim);
ENS_API ens_tensor ens_flatten(ens_tensor a, int64_t start_dim, int64_t end_dim);
ENS_API ens_tensor ens_transpose(ens_tensor a, int64_t d0, int64_t d1);
ENS_API ens_tensor ens_permute(ens_tensor a, const int64_t* dims, int ndim);
ENS_API ens_tensor ens_unsqueeze(ens_tensor a, int64_t dim);
ENS_API ens_tensor ens_squeeze(ens_tensor a, int64_t dim);
ENS_API ens_tensor ens_expand(ens_tensor a, const int64_t* shape, int ndim);
ENS_API ens_tensor ens_narrow(ens_tensor a, int64_t dim, int64_t start, int64_t length);
ENS_API ens_tensor ens_index_select(ens_tensor a, int64_t dim, ens_tensor index);
ENS_API ens_tensor ens_gather(ens_tensor a, int64_t dim, ens_tensor index);
ENS_API ens_tensor ens_cat(const ens_tensor* tensors, int count, int64_t dim);
ENS_API ens_tensor ens_stack(const ens_tensor* tensors, int count, int64_t dim);
ENS_API ens_tensor ens_one_hot(ens_tensor labels, int64_t classes);

/* reductions (dims == NULL, ndim == 0: over everything) */
ENS_API ens_tensor ens_sum(ens_tensor a, const int64_t* dims, int ndim, int keepdim);
ENS_API ens_tensor ens_mean(ens_tensor a, const int64_t* dims, int ndim, int keepdim);
ENS_API ens_tensor ens_std(ens_tensor a, const int64_t* dims, int ndim, int unbiased, int keepdim);
ENS_API ens_tensor ens_logsumexp(ens_tensor a, const int64_t* dims, int ndim, int keepdim);
ENS_API ens_tensor ens_amax(ens_tensor a, const int64_t* dims, int ndim, int keepdim);
ENS_API ens_tensor ens_argmax(ens_tensor a, int64_t dim, int keepdim);

/* linear algebra and networks */
ENS_API ens_tensor ens_matmul(ens_tensor a, ens_tensor b);
ENS_API ens_tensor ens_linear(ens_tensor x, ens_tensor weight, ens_tensor bias);
ENS_API ens_tensor ens_conv2d(ens_tensor x, ens_tensor weight, ens_tensor bias, int64_t stride, int64_t padding, int64_t dilation, int64_t groups);
ENS_API ens_tensor ens_max_pool2d(ens_tensor x, int64_t kernel, int64_t stride, int64_t padding);
ENS_API ens_tensor ens_avg_pool2d(ens_tensor x, int64_t kernel, int64_t stride, int64_t padding);
ENS_API ens_tensor ens_adaptive_avg_pool2d(ens_tensor x, int64_t out_h, int64_t out_w);
ENS_API ens_tensor ens_batch_norm(ens_tensor x, ens_tensor weight, ens_tensor bias, ens_tensor running_mean, ens_tensor running_var, int training, double momentum, double eps);
ENS_API ens_tensor ens_dropout(ens_tensor x, double p, int training);
ENS_API ens_tensor ens_softmax(ens_tensor x, int64_t dim);
ENS_API ens_tensor ens_log_softmax(ens_tensor x, int64_t dim);
/* reduction: 0 none, 1 mean, 2 sum, 3 batchmean (kl_div only) */
ENS_API ens_tensor ens_cross_entropy(ens_tensor logits, ens_tensor target, int reduction, double label_smoothing);
ENS_API ens_tensor ens_nll_loss(ens_tensor log_probs, ens_tensor target, int reduction);
ENS_API ens_tensor ens_kl_div(ens_tensor log_q, ens_tensor target, int reduction, int log_target);
ENS_API ens_tensor ens_mse_loss(ens_tensor a, ens_tensor b, int reduction);

/* in place (optimizers, initialisation); these never record autograd history */
ENS_API int ens_add_(ens_tensor t, ens_tensor other, double alpha);
ENS_API int ens_mul_(ens_tensor t, ens_tensor other);
ENS_API int ens_mul_scalar_(ens_tensor t, double s);
ENS_API int ens_addcmul_(ens_tensor t, ens_tensor a, ens_tensor b, double value);
ENS_API int ens_addcdiv_(ens_tensor t, ens_tensor a, ens_tensor b, double value);
ENS_API int ens_copy_(ens_tensor dst, ens_tensor src);
ENS_API int ens_fill_(ens_tensor t, double value);
ENS_API int ens_uniform_(ens_tensor t, double low, double high);
ENS_API int ens_normal_(ens_tensor t, double mean, double std);

/* autograd */
ENS_API int ens_requires_grad(ens_tensor t);
ENS_API int ens_set_requires_grad(ens_tensor t, int requires_grad);
ENS_API int ens_backward(ens_tensor t, ens_tensor grad, int retain_graph);
/* Returns a handle to t's gradient, or NULL with no error when t has none. */
ENS_API ens_tensor ens_grad(ens_tensor t);
/* set_to_none: drop the gradient (the next backward allocates); else zero it in place and keep the buffer. */
ENS_API int ens_zero_grad(ens_tensor t, int set_to_none);

#ifdef __cplusplus
}
#endif

#endif
