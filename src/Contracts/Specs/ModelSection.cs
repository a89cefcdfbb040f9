namespace Ensemble.Contracts.Specs;

/// <summary>
/// What network to build (the <c>model</c> section of teachers, and <c>distillation.student</c>).
/// Each place has its own defaults: teachers a CNN, the student an MLP of one 300-unit layer.
/// </summary>
public sealed record ModelSection
{
    /// <summary><c>kind</c>: <c>mlp</c> or <c>cnn</c> (a CNN needs image data).</summary>
    public ModelArchitecture Kind { get; init; } = ModelArchitecture.Mlp;

    /// <summary><c>hidden</c>: MLP hidden layer widths, each at least 1; an MLP needs at least one. Default [1200, 1200].</summary>
    public ValueList<int> Hidden { get; init; } = [1200, 1200];

    /// <summary><c>channels</c>: CNN output channels of each conv block, each at least 1; a CNN needs at least one. Default [32, 64].</summary>
    public ValueList<int> Channels { get; init; } = [32, 64];

    /// <summary><c>fc_hidden</c>: CNN width of the fully connected layer after the conv blocks; at least 1. Default 128.</summary>
    public int FcHidden { get; init; } = 128;

    /// <summary><c>dropout</c>: dropout probability after each hidden fully connected layer, in [0, 1).</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>The teachers' default: conv32-conv64-fc128, dropout 0.3.</summary>
    public static ModelSection DefaultTeacher { get; } = new() { Kind = ModelArchitecture.Cnn, Dropout = 0.3 };

    /// <summary>The student's default: an MLP with one hidden layer of 300 units, no dropout.</summary>
    public static ModelSection DefaultStudent { get; } = new() { Kind = ModelArchitecture.Mlp, Hidden = [300], Dropout = 0.0 };

    /// <summary>Every problem with this section that needs no other section to see.</summary>
    /// <param name="path">The section's path, such as <c>teachers.model</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path)
    {
        if (Kind == ModelArchitecture.Mlp && Hidden.Count == 0) yield return new(SpecPath.Field(path, "hidden"), "an mlp needs at least one hidden layer");
        for (int i = 0; i < Hidden.Count; i++)
        {
            if (Hidden[i] < 1) yield return new(SpecPath.Item(SpecPath.Field(path, "hidden"), i), "must be >= 1");
        }

        if (Kind == ModelArchitecture.Cnn && Channels.Count == 0) yield return new(SpecPath.Field(path, "channels"), "a cnn needs at least one conv block");
        for (int i = 0; i < Channels.Count; i++)
        {
            if (Channels[i] < 1) yield return new(SpecPath.Item(SpecPath.Field(path, "channels"), i), "must be >= 1");
        }

        if (FcHidden < 1) yield return new(SpecPath.Field(path, "fc_hidden"), "must be >= 1");
        if (!(Dropout is >= 0 and < 1)) yield return new(SpecPath.Field(path, "dropout"), "must be in [0, 1)");
    }
}
