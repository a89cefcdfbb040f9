namespace Ensemble.Distillation.Models;

/// <summary>What network to build: the architecture and its sizes. Plain data, so it can live in a RunSpec and a checkpoint.</summary>
public sealed record ModelSpec
{
    /// <summary>The architecture.</summary>
    public ModelKind Kind { get; init; } = ModelKind.Mlp;

    /// <summary>MLP: the hidden layer widths.</summary>
    public int[] Hidden { get; init; } = [1200, 1200];

    /// <summary>CNN: output channels of each conv block (3×3 conv, batch norm, ReLU, 2×2 max-pool).</summary>
    public int[] Channels { get; init; } = [32, 64];

    /// <summary>CNN: width of the fully connected layer after the conv blocks.</summary>
    public int FcHidden { get; init; } = 128;

    /// <summary>Dropout probability after each hidden fully connected layer.</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>The MLP 784-1200-1200-10 of Hinton et al. (2015), dropout 0.2.</summary>
    public static ModelSpec DefaultMlp { get; } = new();

    /// <summary>conv32-conv64-fc128 with dropout 0.3.</summary>
    public static ModelSpec DefaultCnn { get; } = new() { Kind = ModelKind.Cnn, Dropout = 0.3 };

    /// <summary>A short description such as <c>mlp 784-1200-1200-10</c> or <c>cnn conv32-conv64-fc128</c>.</summary>
    public string Describe(int inputFeatures, int classes) => Kind switch
    {
        ModelKind.Mlp => $"mlp {string.Join("-", Hidden.Prepend(inputFeatures).Append(classes))}",
        _ => $"cnn {string.Join("-", Channels.Select(c => $"conv{c}"))}-fc{FcHidden}",
    };

    /// <summary>
    /// The number of trainable parameters of the network for <paramref name="exampleShape"/> and
    /// <paramref name="classes"/>, without building it (<see cref="long.MaxValue"/> when it would overflow): a model
    /// file's spec is checked against the tensors the file really holds before anything is allocated.
    /// </summary>
    public long ParameterCount(int[] exampleShape, int classes)
    {
        static long Layer(long inputs, long outputs) =>
            inputs > 0 && outputs > 0 && inputs > (long.MaxValue / 2) / outputs ? long.MaxValue : inputs * outputs + outputs;
        static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
        long total = 0;
        if (Kind == ModelKind.Mlp)
        {
            long width = exampleShape.Aggregate(1L, (a, b) => Math.Min(a * Math.Max(b, 0), int.MaxValue));
            foreach (var h in Hidden.Append(classes))
            {
                total = Add(total, Layer(width, h));
                width = h;
            }

            return total;
        }

        if (exampleShape.Length != 3) return 0;
        long c = exampleShape[0], height = exampleShape[1], w = exampleShape[2];
        foreach (var outChannels in Channels)
        {
            total = Add(Add(total, Layer(c * 9, outChannels)), 2L * outChannels); // conv 3×3 + batch-norm scale and shift
            (c, height, w) = (outChannels, height / 2, w / 2);
        }

        total = Add(total, Layer(Math.Min(c * height * w, int.MaxValue), FcHidden));
        return Add(total, Layer(FcHidden, classes));
    }

    /// <summary>Every problem with this spec, by field name; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate(string path = "model")
    {
        var problems = new List<string>();
        if (Kind == ModelKind.Mlp && Hidden.Any(h => h < 1)) problems.Add($"{path}.hidden: every width must be ≥ 1");
        if (Kind == ModelKind.Cnn && (Channels.Length == 0 || Channels.Any(c => c < 1))) problems.Add($"{path}.channels: need at least one block, each ≥ 1 channel");
        if (Kind == ModelKind.Cnn && FcHidden < 1) problems.Add($"{path}.fc_hidden: must be ≥ 1");
        if (Dropout is < 0 or >= 1) problems.Add($"{path}.dropout: must be in [0, 1)");
        return problems;
    }

    /// <inheritdoc/>
    public bool Equals(ModelSpec? other) =>
        other is not null && Kind == other.Kind && Hidden.SequenceEqual(other.Hidden) && Channels.SequenceEqual(other.Channels) &&
        FcHidden == other.FcHidden && Dropout.Equals(other.Dropout);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Hidden.Length, Channels.Length, FcHidden, Dropout);
}
