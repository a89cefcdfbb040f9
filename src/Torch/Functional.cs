using N = Ensemble.Torch.Internal.NativeMethods;
using Ensemble.Torch.Internal;

namespace Ensemble.Torch;

/// <summary>Stateless network operations and losses (libtorch's torch.nn.functional subset).</summary>
public static class Functional
{
    /// <summary>x·Wᵀ + b.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) =>
        new(N.ens_linear(x.Handle, weight.Handle, bias?.Handle ?? TensorHandle.Null));

    /// <summary>2-D convolution with square kernel, stride, padding and dilation.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        new(N.ens_conv2d(x.Handle, weight.Handle, bias?.Handle ?? TensorHandle.Null, stride, padding, dilation, groups));

    /// <summary>2-D max pooling with a square window (stride defaults to the window).</summary>
    public static Tensor MaxPool2d(Tensor x, long kernel, long? stride = null, long padding = 0) =>
        new(N.ens_max_pool2d(x.Handle, kernel, stride ?? kernel, padding));

    /// <summary>2-D average pooling with a square window (stride defaults to the window).</summary>
    public static Tensor AvgPool2d(Tensor x, long kernel, long? stride = null, long padding = 0) =>
        new(N.ens_avg_pool2d(x.Handle, kernel, stride ?? kernel, padding));

    /// <summary>Average pooling to a fixed output size.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, long outHeight, long outWidth) =>
        new(N.ens_adaptive_avg_pool2d(x.Handle, outHeight, outWidth));

    /// <summary>Batch normalisation; in training mode the running statistics are updated in place.</summary>
    public static Tensor BatchNorm(Tensor x, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool training, double momentum = 0.1, double eps = 1e-5) =>
        new(N.ens_batch_norm(x.Handle, weight?.Handle ?? TensorHandle.Null, bias?.Handle ?? TensorHandle.Null,
            runningMean?.Handle ?? TensorHandle.Null, runningVar?.Handle ?? TensorHandle.Null, training ? 1 : 0, momentum, eps));

    /// <summary>Inverted dropout: zeroes elements with probability p and scales the rest by 1/(1−p) when training.</summary>
    public static Tensor Dropout(Tensor x, double p, bool training) => new(N.ens_dropout(x.Handle, p, training ? 1 : 0));

    /// <summary>Cross-entropy between logits and int64 class labels: −log softmax(z)_y.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, Reduction reduction = Reduction.Mean, double labelSmoothing = 0) =>
        new(N.ens_cross_entropy(logits.Handle, labels.Handle, (int)reduction, labelSmoothing));

    /// <summary>Negative log-likelihood of int64 labels under log-probabilities.</summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor labels, Reduction reduction = Reduction.Mean) =>
        new(N.ens_nll_loss(logProbs.Handle, labels.Handle, (int)reduction));

    /// <summary>KL(target ‖ q) given log q; the target is probabilities, or log-probabilities when <paramref name="logTarget"/>.</summary>
    public static Tensor KlDiv(Tensor logQ, Tensor target, Reduction reduction = Reduction.BatchMean, bool logTarget = false) =>
        new(N.ens_kl_div(logQ.Handle, target.Handle, (int)reduction, logTarget ? 1 : 0));

    /// <summary>Mean squared error.</summary>
    public static Tensor MseLoss(Tensor a, Tensor b, Reduction reduction = Reduction.Mean) =>
        new(N.ens_mse_loss(a.Handle, b.Handle, (int)reduction));
}
