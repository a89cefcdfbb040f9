using Ensemble.Distillation.Models;
using Ensemble.Torch;
using Ensemble.Torch.Nn;

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
    public static Module FromGeneralist(Module generalist, ModelSpec spec, int[] exampleShape, int classes, int[] specialClasses, SpecialistHead head, Device? device = null)
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
            using var scope = Torch.Torch.NewDisposeScope();
            using var noGrad = Torch.Torch.NoGrad();
            var state = generalist.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
            if (head == SpecialistHead.Dustbin)
            {
                var rest = ClassSets.Complement(specialClasses, classes);
                var weight = state[weightName];
                var bias = state[biasName];
                using var specialIndex = Torch.Torch.FromArray(Array.ConvertAll(specialClasses, c => (long)c), weight.Device);
                using var restIndex = Torch.Torch.FromArray(Array.ConvertAll(rest, c => (long)c), weight.Device);
                state[weightName] = Tensor.Cat([weight.IndexSelect(0, specialIndex), weight.IndexSelect(0, restIndex).Mean(0, keepDim: true)]);
                state[biasName] = Tensor.Cat([bias.IndexSelect(0, specialIndex), bias.IndexSelect(0, restIndex).Mean(0, keepDim: true) + Math.Log(rest.Length)]);
            }

            try
            {
                specialist.LoadStateDict(state);
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
    private static (string Weight, string Bias) OutputLayer(Module generalist, int classes)
    {
        var parameters = generalist.NamedParameters().TakeLast(2).ToList();
        if (parameters.Count == 2)
        {
            var (weight, bias) = (parameters[0], parameters[1]);
            if (weight.Name.EndsWith("weight", StringComparison.Ordinal) && bias.Name == weight.Name[..^"weight".Length] + "bias" &&
                weight.Tensor.Dim == 2 && weight.Tensor.Size(0) == classes && bias.Tensor.Shape.SequenceEqual([classes]))
            {
                return (weight.Name, bias.Name);
            }
        }

        var found = string.Join(", ", parameters.Select(p => $"{p.Name} [{string.Join(", ", p.Tensor.Shape)}]"));
        throw new ArgumentException($"expected the last parameters to be a linear output layer's weight [{classes}, H] and bias [{classes}], found {found}", nameof(generalist));
    }
}
