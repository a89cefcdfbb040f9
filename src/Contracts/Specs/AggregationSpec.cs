namespace Ensemble.Contracts.Specs;

/// <summary><c>aggregation</c>: how the teachers' predictions become one set of soft targets.</summary>
public sealed record AggregationSpec
{
    /// <summary><c>method</c>: <c>arithmetic</c> (default), <c>geometric</c> or <c>logits</c>.</summary>
    public AggregationMethod Method { get; init; } = AggregationMethod.Arithmetic;

    /// <summary><c>weighting</c>: <c>uniform</c> (default), <c>accuracy</c> or <c>entropy</c>.</summary>
    public MemberWeighting Weighting { get; init; } = MemberWeighting.Uniform;
}
