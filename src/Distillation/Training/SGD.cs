using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>
/// TorchSharp's SGD (its options, state and checkpoint format, its <c>step</c> arithmetic) with one change: the
/// scalars of the update (weight decay, momentum, 1 − dampening, −lr) are created once and held, instead of being
/// converted from <c>double</c> at every call. TorchSharp's own step passes each implicitly converted
/// <see cref="Scalar"/> by its native handle and keeps no reference to it, so the GC may finalize it (freeing the
/// native scalar) while libtorch still reads it: under a parallel test run, libtorch failed in <c>toFloat</c> inside
/// <c>SGD.step</c>. The update, per parameter p with gradient g (PyTorch's <c>torch.optim.SGD</c>, foreach off):
/// g ← g + λ·p; b ← μ·b + (1 − τ)·g (b ← g at the first step); g ← g + μ·b (Nesterov) or g ← b; p ← p − lr·g.
/// </summary>
// Named SGD as TorchSharp's is: a checkpoint's optimizer state records the type's name and is refused under
// another, so checkpoints written by either load into the other.
public sealed class SGD : TorchSharp.Modules.SGD
{
    private readonly Dictionary<double, Scalar> _scalars = [];
    private double _rate = double.NaN;
    private Scalar? _minusRate;

    /// <summary>SGD over <paramref name="parameters"/> (the arguments of <c>torch.optim.SGD</c>).</summary>
    public SGD(IEnumerable<Parameter> parameters, double learningRate, double momentum, double weightDecay, bool nesterov)
        : base(parameters, learningRate, momentum, dampening: 0, weight_decay: weightDecay, nesterov: nesterov, maximize: false)
    {
    }

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var momentum = options.momentum!.Value;
        var dampening = options.dampening!.Value;
        var weightDecay = options.weight_decay!.Value;
        var nesterov = options.nesterov!.Value;
        var maximize = options.maximize!.Value;
        var lr = options.LearningRate!.Value;
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            if (maximize) grad = -grad;
            if (weightDecay != 0) grad = grad.add(param, alpha: Held(weightDecay));
            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null)
                {
                    buffer = grad.clone().detach().DetachFromDisposeScope();
                    state.momentum_buffer = buffer;
                }
                else
                {
                    buffer.mul_(Held(momentum)).add_(grad, alpha: Held(1 - dampening));
                }

                grad = nesterov ? grad.add(buffer, alpha: Held(momentum)) : buffer;
            }

            param.add_(grad, alpha: MinusRate(lr));
        }
    }, closure);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var scalar in _scalars.Values) scalar.Dispose();
            _scalars.Clear();
            _minusRate?.Dispose();
            _minusRate = null;
        }

        base.Dispose(disposing);
    }

    /// <summary>−<paramref name="rate"/>, held until the schedule changes the rate (the previous one is done with by then: steps are synchronous).</summary>
    private Scalar MinusRate(double rate)
    {
        if (_minusRate is null || rate != _rate)
        {
            _minusRate?.Dispose();
            _minusRate = (-rate).ToScalar();
            _rate = rate;
        }

        return _minusRate;
    }

    /// <summary>The scalar of <paramref name="value"/> (a weight decay, a momentum: constants), made once and kept for the optimizer's life.</summary>
    private Scalar Held(double value)
    {
        if (!_scalars.TryGetValue(value, out var scalar)) _scalars[value] = scalar = value.ToScalar();
        return scalar;
    }
}
