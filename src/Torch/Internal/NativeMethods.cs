using System.Runtime.InteropServices;

namespace Ensemble.Torch.Internal;

/// <summary>P/Invoke declarations for the C ABI in native/include/ensemble_torch.h.</summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "ensemble_torch";

    [LibraryImport(Library)] internal static partial nint ens_last_error();
    [LibraryImport(Library)] internal static partial void ens_clear_error();
    [LibraryImport(Library)] internal static partial long ens_live_tensors();
    [LibraryImport(Library)] internal static partial nint ens_torch_version();
    [LibraryImport(Library)] internal static partial void ens_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial int ens_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int ens_get_num_threads();
    [LibraryImport(Library)] internal static partial int ens_cuda_is_available();
    [LibraryImport(Library)] internal static partial int ens_cuda_device_count();
    [LibraryImport(Library)] internal static partial nint ens_rng_get_state();
    [LibraryImport(Library)] internal static partial int ens_rng_set_state(TensorHandle state);
    [LibraryImport(Library)] internal static partial int ens_is_grad_enabled();
    [LibraryImport(Library)] internal static partial void ens_set_grad_enabled(int enabled);

    [LibraryImport(Library)] internal static partial void ens_tensor_free(nint t);
    [LibraryImport(Library)] internal static partial nint ens_from_data(void* data, long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial nint ens_zeros(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial nint ens_ones(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial nint ens_full(long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial nint ens_rand(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial nint ens_randn(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial nint ens_randperm(long n, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial nint ens_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial int ens_copy_to_buffer(TensorHandle t, void* dst, long nbytes);
    [LibraryImport(Library)] internal static partial int ens_ndim(TensorHandle t);
    [LibraryImport(Library)] internal static partial long ens_size(TensorHandle t, int dim);
    [LibraryImport(Library)] internal static partial long ens_numel(TensorHandle t);
    [LibraryImport(Library)] internal static partial int ens_dtype(TensorHandle t);
    [LibraryImport(Library)] internal static partial int ens_device_type(TensorHandle t);
    [LibraryImport(Library)] internal static partial int ens_device_index(TensorHandle t);
    [LibraryImport(Library)] internal static partial int ens_item(TensorHandle t, double* value);
    [LibraryImport(Library)] internal static partial nint ens_to(TensorHandle t, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial nint ens_clone(TensorHandle t);
    [LibraryImport(Library)] internal static partial nint ens_detach(TensorHandle t);
    [LibraryImport(Library)] internal static partial nint ens_contiguous(TensorHandle t);
    [LibraryImport(Library)] internal static partial nint ens_alias(TensorHandle t);

    [LibraryImport(Library)] internal static partial nint ens_neg(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_exp(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_log(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_sqrt(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_abs(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_square(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_relu(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_sigmoid(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_tanh(TensorHandle a);
    [LibraryImport(Library)] internal static partial nint ens_add(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Library)] internal static partial nint ens_sub(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial nint ens_mul(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial nint ens_div(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial nint ens_pow(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial nint ens_maximum(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial nint ens_minimum(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial nint ens_add_scalar(TensorHandle a, double s);
    [LibraryImport(Library)] internal static partial nint ens_mul_scalar(TensorHandle a, double s);
    [LibraryImport(Library)] internal static partial nint ens_div_scalar(TensorHandle a, double s);
    [LibraryImport(Library)] internal static partial nint ens_pow_scalar(TensorHandle a, double s);
    [LibraryImport(Library)] internal static partial nint ens_rsub_scalar(TensorHandle a, double s);
    [LibraryImport(Library)] internal static partial nint ens_clamp(TensorHandle a, double min, double max);
    [LibraryImport(Library)] internal static partial nint ens_compare(TensorHandle a, TensorHandle b, int op);
    [LibraryImport(Library)] internal static partial nint ens_compare_scalar(TensorHandle a, double s, int op);
    [LibraryImport(Library)] internal static partial nint ens_where(TensorHandle cond, TensorHandle a, TensorHandle b);

    [LibraryImport(Library)] internal static partial nint ens_reshape(TensorHandle a, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial nint ens_flatten(TensorHandle a, long startDim, long endDim);
    [LibraryImport(Library)] internal static partial nint ens_transpose(TensorHandle a, long d0, long d1);
    [LibraryImport(Library)] internal static partial nint ens_permute(TensorHandle a, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial nint ens_unsqueeze(TensorHandle a, long dim);
    [LibraryImport(Library)] internal static partial nint ens_squeeze(TensorHandle a, long dim);
    [LibraryImport(Library)] internal static partial nint ens_expand(TensorHandle a, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial nint ens_narrow(TensorHandle a, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial nint ens_index_select(TensorHandle a, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial nint ens_gather(TensorHandle a, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial nint ens_cat(nint* tensors, int count, long dim);
    [LibraryImport(Library)] internal static partial nint ens_stack(nint* tensors, int count, long dim);
    [LibraryImport(Library)] internal static partial nint ens_one_hot(TensorHandle labels, long classes);

    [LibraryImport(Library)] internal static partial nint ens_sum(TensorHandle a, long* dims, int ndim, int keepdim);
    [LibraryImport(Library)] internal static partial nint ens_mean(TensorHandle a, long* dims, int ndim, int keepdim);
    [LibraryImport(Library)] internal static partial nint ens_std(TensorHandle a, long* dims, int ndim, int unbiased, int keepdim);
    [LibraryImport(Library)] internal static partial nint ens_logsumexp(TensorHandle a, long* dims, int ndim, int keepdim);
    [LibraryImport(Library)] internal static partial nint ens_amax(TensorHandle a, long* dims, int ndim, int keepdim);
    [LibraryImport(Library)] internal static partial nint ens_argmax(TensorHandle a, long dim, int keepdim);

    [LibraryImport(Library)] internal static partial nint ens_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial nint ens_linear(TensorHandle x, TensorHandle weight, TensorHandle bias);
    [LibraryImport(Library)] internal static partial nint ens_conv2d(TensorHandle x, TensorHandle weight, TensorHandle bias, long stride, long padding, long dilation, long groups);
    [LibraryImport(Library)] internal static partial nint ens_max_pool2d(TensorHandle x, long kernel, long stride, long padding);
    [LibraryImport(Library)] internal static partial nint ens_avg_pool2d(TensorHandle x, long kernel, long stride, long padding);
    [LibraryImport(Library)] internal static partial nint ens_adaptive_avg_pool2d(TensorHandle x, long outH, long outW);
    [LibraryImport(Library)] internal static partial nint ens_batch_norm(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle runningMean, TensorHandle runningVar, int training, double momentum, double eps);
    [LibraryImport(Library)] internal static partial nint ens_dropout(TensorHandle x, double p, int training);
    [LibraryImport(Library)] internal static partial nint ens_softmax(TensorHandle x, long dim);
    [LibraryImport(Library)] internal static partial nint ens_log_softmax(TensorHandle x, long dim);
    [LibraryImport(Library)] internal static partial nint ens_cross_entropy(TensorHandle logits, TensorHandle target, int reduction, double labelSmoothing);
    [LibraryImport(Library)] internal static partial nint ens_nll_loss(TensorHandle logProbs, TensorHandle target, int reduction);
    [LibraryImport(Library)] internal static partial nint ens_kl_div(TensorHandle logQ, TensorHandle target, int reduction, int logTarget);
    [LibraryImport(Library)] internal static partial nint ens_mse_loss(TensorHandle a, TensorHandle b, int reduction);

    [LibraryImport(Library)] internal static partial int ens_add_(TensorHandle t, TensorHandle other, double alpha);
    [LibraryImport(Library)] internal static partial int ens_mul_(TensorHandle t, TensorHandle other);
    [LibraryImport(Library)] internal static partial int ens_mul_scalar_(TensorHandle t, double s);
    [LibraryImport(Library)] internal static partial int ens_addcmul_(TensorHandle t, TensorHandle a, TensorHandle b, double value);
    [LibraryImport(Library)] internal static partial int ens_addcdiv_(TensorHandle t, TensorHandle a, TensorHandle b, double value);
    [LibraryImport(Library)] internal static partial int ens_copy_(TensorHandle dst, TensorHandle src);
    [LibraryImport(Library)] internal static partial int ens_fill_(TensorHandle t, double value);
    [LibraryImport(Library)] internal static partial int ens_uniform_(TensorHandle t, double low, double high);
    [LibraryImport(Library)] internal static partial int ens_normal_(TensorHandle t, double mean, double std);

    [LibraryImport(Library)] internal static partial int ens_requires_grad(TensorHandle t);
    [LibraryImport(Library)] internal static partial int ens_set_requires_grad(TensorHandle t, int requiresGrad);
    [LibraryImport(Library)] internal static partial int ens_backward(TensorHandle t, TensorHandle grad, int retainGraph);
    [LibraryImport(Library)] internal static partial nint ens_grad(TensorHandle t);
    [LibraryImport(Library)] internal static partial int ens_zero_grad(TensorHandle t, int setToNone);
}
