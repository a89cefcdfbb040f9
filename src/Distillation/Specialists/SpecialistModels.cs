using Ensemble.Distillation.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Specialists;

/// <summary>Builds specialists that start from the generalist's weights (Hinton et al. 2015, §5.1).</summary>
public static class SpecialistModels
{
    /// <summary>
    /// A new network with the generalist's architecture and a copy of its weights (and buffers, such as batch-norm
    /// statistics); the generalist is not changed and shares no tensor with it.
    /// </summary>
    /// <remarks>
    /// The output layer is the generalist's last linear layer: its last two parameters, <c>….weight</c> (K×H) and
    /// <c>….bias</c> (K) — <c>layers.{n}</c> in <see cref="Mlp"/>, <c>head.4</c> in <see cref="Cnn"/>.
    /// <para>
    /// <see cref="SpecialistHead.Full"/>: an exact copy, K outputs. <see cref="SpecialistHead.Dustbin"/>: |S| + 1 outputs;
    /// the rows of the special classes are the generalist's rows, in the order of <paramref name="specialClasses"/>, so
    /// their logits start equal to the generalist's; the dustbin row is the mean of the R = K − |S| non-special rows and
    /// its bias the mean of their biases plus log R, so the dustbin logit is mean_{j∉S} z_j + log R. That is exactly the
    /// log of the non-special mass, log Σ_{j∉S} exp z_j, when the non-special logits are equal, and a lower bound
    /// otherwise (Jensen); it is the best a single affine row can do without knowing how those logits spread.
    /// </para>
    /// </remarks>
    /// <param name="generalist">The trained generalist, built from <paramref name="spec"/> for <paramref name="classes"/> classes.</param>
    /// <param name="spec">The generalist's architecture.</param>
    /// <param name="exampleShape">The shape of one example.</param>
    /// <param name="classes">K, the generalist's number of classes.</param>
    /// <param name="specialClasses">The specialist's classes, sorted ascending, fewer than K.</param>
    /// <param name="head">The specialist's output layer.</param>
    /// <param name="device">Where the specialist lives; the CPU when null.</param>
    /// <exception cref="ArgumentException">The classes are invalid, or the generalist does not fit the spec and K; the exception names the argument.</exception>
    public static nn.Module<Tensor, Tensor> FromGeneralist(nn.Module<Tensor, Tensor> generalist, ModelSpec spec, int[] exampleShape, int classes, int[] specialClasses, SpecialistHead head, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(generalist);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ClassSets.Validate(specialClasses, nameof(specialClasses), classes);
        var (weightName, biasName) = OutputLayer(generalist, classes);
        var outputs = head switch
        {
            SpecialistHead.Full => classes,
            SpecialistHead.Dustbin => specialClasses.Length + 1,
            _ => throw new ArgumentOutOfRangeException(nameof(head), head, "unknown specialist head"),
        };

        var specialist = ModelFactory.Create(spec, exampleShape, outputs, device);
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var state = generalist.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
            if (head == SpecialistHead.Dustbin)
            {
                var rest = ClassSets.Complement(specialClasses, classes);
                var weight = state[weightName];
                var bias = state[biasName];
                using var specialIndex = tensor(Array.ConvertAll(specialClasses, c => (long)c), device: weight.device);
                using var restIndex = tensor(Array.ConvertAll(rest, c => (long)c), device: weight.device);
                state[weightName] = cat([weight.index_select(0, specialIndex), weight.index_select(0, restIndex).mean([0], keepdim: true)]);
                state[biasName] = cat([bias.index_select(0, specialIndex), bias.index_select(0, restIndex).mean([0], keepdim: true) + Math.Log(rest.Length)]);
            }

            try
            {
                ModuleState.Load(specialist, state);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"the generalist does not fit {spec.Describe(exampleShape.Aggregate(1, (a, b) => a * b), classes)}: {e.Message}", nameof(generalist), e);
            }

            return specialist;
        }
        catch
        {
            specialist.Dispose();
            throw;
        }
    }

    /// <summary>The names of the final linear layer's weight (K×H) and bias (K): the module's last two parameters.</summary>
    private static (string Weight, string Bias) OutputLayer(nn.Module<Tensor, Tensor> generalist, int classes)
    {
        var parameters = generalist.named_parameters().TakeLast(2).ToList();
        if (parameters.Count == 2)
        {
            var (weight, bias) = (parameters[0], parameters[1]);
            if (weight.name.EndsWith("weight", StringComparison.Ordinal) && bias.name == weight.name[..^"weight".Length] + "bias" &&
                weight.parameter.dim() == 2 && weight.parameter.size(0) == classes && bias.parameter.shape.SequenceEqual([classes]))
            {
                return (weight.name, bias.name);
            }
        }

        var found = string.Join(", ", parameters.Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]"));
        throw new ArgumentException($"expected the last parameters to be a linear output layer's weight [{classes}, H] and bias [{classes}], found {found}", nameof(generalist));
    }
}
